type plugin = 'azure' | 'kubenet' | 'none'
type port = int
type cidrs = string[]
type maybeName = string?
type pair = [string, int]
type multi =
  | 'a'
  | 'b'
type negative = -1 | 0 | 1
type flag = true | false | null
type fromNamespace = sys.string
type poolProps = resourceInput<'Microsoft.ContainerService/managedClusters@2024-02-01'>.properties
type itemOf = cidrs[*]
type firstOf = pair[0]

@sealed()
type network = {
  name: string
  plugin: plugin
  policy?: 'azure' | 'calico' | 'cilium'
  'quoted-key': bool
  tags: {
    *: string
  }
}

@discriminator('kind')
type pool = {kind: 'system', count: int} | {kind: 'user', count: int}
