#disable-next-line no-unused-params
param unused string

  #disable-next-line no-hardcoded-location BCP081
var location = 'westeurope'

#disable-diagnostics no-unused-vars
var a = 1
#restore-diagnostics no-unused-vars

type choice = {
  kind:
    | 'a'
    | 'b'
}
