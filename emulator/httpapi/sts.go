package httpapi

import (
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// STS's GetCallerIdentity, served on ecsmini's listener so that tools that ask who they
// are before they act — the Terraform AWS provider above all, which builds ARNs from the
// account it learns here — work with nothing but endpoint settings. STS speaks the AWS
// Query protocol: a form-encoded POST (Action=GetCallerIdentity&Version=2011-06-15)
// answered with XML. Every caller is the account's root user, as for ECS.

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// isSTS reports whether r is an STS request rather than an ECS one: ECS requests carry
// an X-Amz-Target header; STS requests are signed for the service "sts" or are a form
// naming an Action.
func isSTS(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	if credentialService(r.Header.Get("Authorization")) == "sts" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

type stsIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string
		UserId  string // STS spells the element UserId
		Account string
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type stsErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// serveSTS answers an STS Query-protocol request for account.
func serveSTS(w http.ResponseWriter, r *http.Request, account string) {
	requestID := w.Header().Get("x-amzn-RequestId")
	body, err := readBody(w, r)
	if err != nil {
		writeSTSError(w, requestID, http.StatusBadRequest, "MalformedInput", fmt.Sprintf("The request body could not be read or exceeds %d bytes.", MaxBodyBytes))
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeSTSError(w, requestID, http.StatusBadRequest, "MalformedQueryString", "The request body is not a valid form: "+err.Error())
		return
	}
	switch action := form.Get("Action"); action {
	case "GetCallerIdentity":
		out := stsIdentityResponse{Xmlns: stsNamespace, RequestID: requestID}
		out.Result.Arn = ecs.Scope{Account: account}.RootPrincipal()
		out.Result.UserId = account
		out.Result.Account = account
		writeXML(w, http.StatusOK, out)
	case "":
		writeSTSError(w, requestID, http.StatusBadRequest, "MissingAction", "Missing Action")
	default:
		writeSTSError(w, requestID, http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s; ecsmini serves STS GetCallerIdentity only.", action, form.Get("Version")))
	}
}

func writeSTSError(w http.ResponseWriter, requestID string, status int, code, msg string) {
	out := stsErrorResponse{Xmlns: stsNamespace, RequestID: requestID}
	out.Error.Type, out.Error.Code, out.Error.Message = "Sender", code, msg
	writeXML(w, status, out)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code></Error></ErrorResponse>")
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b) // the client has gone if this fails; nothing left to tell it
}

// credentialService extracts the service of a SigV4 Authorization header's credential
// scope (Credential=KEY/DATE/REGION/SERVICE/aws4_request).
func credentialService(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}
