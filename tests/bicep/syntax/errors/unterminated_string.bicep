// error: 3:25
// message: unterminated string started at 3:21
param name string = 'abc
