package httpapi

func (h *Handler) registerServices(b ServiceBackend) {
	h.add("CreateService", op(b.CreateService))
	h.add("UpdateService", op(b.UpdateService))
	h.add("DeleteService", op(b.DeleteService))
	h.add("DescribeServices", op(b.DescribeServices))
	h.add("ListServices", op(b.ListServices))
	h.add("ListServicesByNamespace", op(b.ListServicesByNamespace))
	h.add("UpdateTaskProtection", op(b.UpdateTaskProtection))
	h.add("GetTaskProtection", op(b.GetTaskProtection))
}
