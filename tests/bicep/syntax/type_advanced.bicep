type cidr = string
type matrix = int [] [] ?
type literals = ('tcp' | 'udp' | 443 | -1 | true | !true | null)[]
type maybeCidr = cidr?
type definiteCidr = maybeCidr!
type ruleSet = ['allow', 'inbound']
|['deny', 'outbound']

type tcpRule = {
  protocol: 'tcp'
  port: int
}
type udpRule = {
  protocol: 'udp'
  port: int
}

@discriminator('protocol')
type rule = tcpRule | (udpRule | { protocol: 'icmp', port: null })

type withAdditional = {
  @description('any other property')
  *: string
}

type describedTuple = [
  @description('first address')
  cidr

  @description('second address')
  cidr
]

param rules (tcpRule | udpRule)[] = []
param optionalRule rule?
output firstRule tcpRule | udpRule | null = null
