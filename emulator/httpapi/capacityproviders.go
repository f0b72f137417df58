package httpapi

func (h *Handler) registerCapacityProviders(b CapacityProviderBackend) {
	h.add("CreateCapacityProvider", op(b.CreateCapacityProvider))
	h.add("DescribeCapacityProviders", op(b.DescribeCapacityProviders))
	h.add("UpdateCapacityProvider", op(b.UpdateCapacityProvider))
	h.add("DeleteCapacityProvider", op(b.DeleteCapacityProvider))
}
