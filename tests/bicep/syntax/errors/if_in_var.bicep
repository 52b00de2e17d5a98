// error: 3:9
// message: 'if' is only allowed
var a = if (true) {}
