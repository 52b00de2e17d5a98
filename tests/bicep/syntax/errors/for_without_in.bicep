// error: 3:16
// message: expected 'in'
var a = [for x of xs: x]
