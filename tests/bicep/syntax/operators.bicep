param a int = 1
param b int = 2
param s string = 'x'
param flag bool = false

var arithmetic = a + b * 3 - 4 / 2 % 3
var grouped = (a + b) * 3
var comparison = a < b && a <= b || a > b && a >= b
var equality = s == 'x' && s != 'y' && s =~ 'X' && s !~ 'Y'
var unary = !flag && -a < 0
var doubleNot = !!flag
var coalesce = null ?? s ?? 'default'
var ternary = flag ? 'yes' : 'no'
var nestedTernary = a > b ? 'gt' : a < b ? 'lt' : 'eq'
var multiLineTernary = flag
  ? 'yes'
  : 'no'
