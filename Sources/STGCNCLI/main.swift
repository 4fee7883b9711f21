print("stgcn")
