// error: 4:1
// message: at most one 'using'
using './main.bicep'
using './other.bicep'
