package ecs

// TagResourceInput is the TagResource request.
type TagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

// UntagResourceInput is the UntagResource request.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// ResourceRef names a resource by ARN (ListTagsForResource).
type ResourceRef struct {
	ResourceArn string `json:"resourceArn"`
}

// TagsOutput is the ListTagsForResource response.
type TagsOutput struct {
	Tags []Tag `json:"tags"`
}

// Empty is the response of operations that return nothing.
type Empty struct{}

// PutAccountSettingInput is the PutAccountSetting / PutAccountSettingDefault request.
type PutAccountSettingInput struct {
	Name         string  `json:"name"`
	Value        string  `json:"value"`
	PrincipalArn *string `json:"principalArn,omitempty"`
}

// DeleteAccountSettingInput is the DeleteAccountSetting request.
type DeleteAccountSettingInput struct {
	Name         string  `json:"name"`
	PrincipalArn *string `json:"principalArn,omitempty"`
}

// SettingOutput is the response of the operations that return one setting.
type SettingOutput struct {
	Setting *Setting `json:"setting"`
}

// ListAccountSettingsInput is the ListAccountSettings request.
type ListAccountSettingsInput struct {
	Name              *string `json:"name,omitempty"`
	Value             *string `json:"value,omitempty"`
	PrincipalArn      *string `json:"principalArn,omitempty"`
	EffectiveSettings bool    `json:"effectiveSettings,omitempty"`
	ListInput
}

// ListAccountSettingsOutput is the ListAccountSettings response.
type ListAccountSettingsOutput struct {
	Settings  []Setting `json:"settings"`
	NextToken *string   `json:"nextToken,omitempty"`
}
