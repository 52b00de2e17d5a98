var name = 'aks'
var greeting = $'''
Hello,
${name}
'''
var two = $$'''
${name} is text, $${name} is not
'''
var three = $$$'''${name} $${name} $$${name} $$$${name}'''
var nested = $'''a${'b${name}'}c${toUpper(name)}'''
var curlies = $'''{${name}{0}}'''
var plain = $'''no interpolation'''
