// error: 3:11
// message: invalid escape '\q'
var x = 'a\q'
