// error: 4:1
// message: expected ')' to close the argument list opened at 3:15
var a = concat('a', 'b'
