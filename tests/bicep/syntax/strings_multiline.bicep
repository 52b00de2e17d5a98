var script = '''
#!/bin/bash
echo "no ${interpolation} here"
echo 'single quotes ok'
'''
var inline = '''one line'''
var escapesKept = '''a\nb'''
