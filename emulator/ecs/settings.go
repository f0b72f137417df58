package ecs

// Setting is an account setting as the account-settings operations return it.
type Setting struct {
	Name         string `json:"name"`
	Value        string `json:"value"`
	PrincipalArn string `json:"principalArn,omitempty"`
	Type         string `json:"type,omitempty"`
}

// Setting types.
const (
	SettingTypeUser       = "user"
	SettingTypeAWSManaged = "aws_managed"
)
