package httpapi

func (h *Handler) registerTaskDefinitions(b TaskDefinitionBackend) {
	h.add("RegisterTaskDefinition", op(b.RegisterTaskDefinition))
	h.add("DescribeTaskDefinition", op(b.DescribeTaskDefinition))
	h.add("ListTaskDefinitions", op(b.ListTaskDefinitions))
	h.add("ListTaskDefinitionFamilies", op(b.ListTaskDefinitionFamilies))
	h.add("DeregisterTaskDefinition", op(b.DeregisterTaskDefinition))
	h.add("DeleteTaskDefinitions", op(b.DeleteTaskDefinitions))
}
