param env string = 'prod'
param region string = 'weu'

var simple = 'aks-${env}'
var several = '${env}-${region}-aks'
var nested = 'outer-${'inner-${toUpper(env)}'}-end'
var withObject = 'name-${{a: 'x'}.a}'
var onlyExpr = '${env}'
var empty = ''
