func subnetName(prefix string, index int) string => '${prefix}-snet-${index}'

@export()
@description('builds a CIDR')
func cidr(base string) string => '${base}/24'

func noArgs() int => 42

func typedObject(cfg {name: string}) object => {
  name: cfg.name
}

var n = subnetName('aks', 1)
