param podCidr string = '10.244.0.0/16'

assert validCidr = startsWith(podCidr, '10.')
assert notEmpty = length(podCidr) > 0
