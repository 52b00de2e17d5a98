// extra quotes next to the delimiters are text: this is 'abc'
var quoted = ''''abc''''
var quotedLines = ''''
abc
''''
var empty = ''''''
