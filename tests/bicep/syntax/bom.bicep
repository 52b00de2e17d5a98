param withBom string = 'x'
