// error: 4:12
// message: expected '=' and the parameter value
using './main.bicep'
param name string = 'x'
