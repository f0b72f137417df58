package httpapi

func (h *Handler) registerTagsAndSettings(b interface {
	TagBackend
	AccountSettingBackend
}) {
	h.add("TagResource", op(b.TagResource))
	h.add("UntagResource", op(b.UntagResource))
	h.add("ListTagsForResource", op(b.ListTagsForResource))
	h.add("PutAccountSetting", op(b.PutAccountSetting))
	h.add("PutAccountSettingDefault", op(b.PutAccountSettingDefault))
	h.add("DeleteAccountSetting", op(b.DeleteAccountSetting))
	h.add("ListAccountSettings", op(b.ListAccountSettings))
}
