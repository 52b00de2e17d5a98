// error: 3:16
// message: unterminated block comment
param a string /* never
closed
