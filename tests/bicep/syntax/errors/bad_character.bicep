// error: 3:11
// message: unexpected character '#'
var a = 1 # 2
