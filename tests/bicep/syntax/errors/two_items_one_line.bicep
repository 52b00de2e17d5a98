// error: 3:12
// message: expected ',', a new line or ']'
var a = [1 2]
