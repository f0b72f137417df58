package httpapi

func (h *Handler) registerTasks(b TaskBackend) {
	h.add("RunTask", op(b.RunTask))
	h.add("StopTask", op(b.StopTask))
	h.add("DescribeTasks", op(b.DescribeTasks))
	h.add("ListTasks", op(b.ListTasks))
}
