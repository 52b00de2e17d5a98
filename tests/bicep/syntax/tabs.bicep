resource r 'Microsoft.Network/virtualNetworks@2023-04-01' = {
	name: 'tabbed'
	properties: {
		x: 1
	}
}
