using 'br/public:avm/res/container-service/managed-cluster:0.1.0'

param name = 'aks'
