// error: 3:9
// message: unterminated multi-line string
var s = '''
text
