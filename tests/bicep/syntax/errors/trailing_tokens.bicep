// error: 3:20
// message: expected a new line after the declaration
param a string = 1 2
