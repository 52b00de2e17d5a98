param name string
param count int = 2
param enabled bool = true
param settings object = {}
param items array = []
param maybe string?
param prefixes string[] = [
  '10.0.0.0/16'
]
param shape {
  name: string
  size: int?
} = {
  name: 'x'
  size: null
}
param choice 'azure' | 'kubenet' = 'azure'
param nested {a: string, b: int}[] = [{a: 'x', b: 1}]
