package httpapi

func (h *Handler) registerClusters(b ClusterBackend) {
	h.add("CreateCluster", op(b.CreateCluster))
	h.add("DescribeClusters", op(b.DescribeClusters))
	h.add("ListClusters", op(b.ListClusters))
	h.add("UpdateCluster", op(b.UpdateCluster))
	h.add("UpdateClusterSettings", op(b.UpdateClusterSettings))
	h.add("DeleteCluster", op(b.DeleteCluster))
	h.add("PutClusterCapacityProviders", op(b.PutClusterCapacityProviders))
}
