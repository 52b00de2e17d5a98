// error: 3:15
// message: expected '}' to close the string interpolation
var x = 'a${b c}'
