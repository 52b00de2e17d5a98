// error: 4:1
// message: a decorator cannot be applied to 'targetScope'
@description('x')
targetScope = 'subscription'
