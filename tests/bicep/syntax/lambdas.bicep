param pools array = []

var names = map(pools, pool => pool.name)
var parenthesised = map(pools, (pool) => pool.name)
var withIndex = map(pools, (pool, i) => '${i}-${pool.name}')
var total = reduce(pools, 0, (acc, pool) => acc + pool.count)
var filtered = filter(pools, p => p.enabled && p.count > 0)
var sorted = sort(pools, (x, y) => x.count < y.count)
var objects = toObject(pools, p => p.name, p => p)
var thunk = () => 'constant'
var multiLineBody = map(pools, pool => {
  name: pool.name
  size: pool.count
})
