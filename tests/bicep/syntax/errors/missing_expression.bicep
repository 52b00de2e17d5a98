// error: 3:8
// message: expected an expression
var a =
var b = 1
