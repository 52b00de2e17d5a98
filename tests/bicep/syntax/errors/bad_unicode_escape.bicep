// error: 3:11
// message: invalid code point
var a = 'x\u{110000}'
