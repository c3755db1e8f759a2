// Package uscc validates and builds China's 18-character Unified Social
// Credit Code (统一社会信用代码, GB 32100-2015), the natural key of every
// enterprise in chainmatch.
//
// A code is laid out as
//
//	position 1     registration authority (9 = market regulation)
//	position 2     entity type (1 = enterprise, 2 = sole trader, ...)
//	positions 3-8  administrative division of the registering office (GB/T 2260)
//	positions 9-17 entity identifier: the organization code of GB 11714,
//	               8 body characters and its own check character
//	position 18    check character over positions 1-17
//
// Characters come from the 31-symbol alphabet 0-9 and A-Y without I, O, S,
// V and Z. Validate checks every part that can be checked offline: the
// alphabet, the layout, both check characters.
package uscc

import (
	"fmt"
	"strings"
)

// Length is the number of characters in a code.
const Length = 18

// Alphabet lists the code's characters in value order: Alphabet[v] has value v.
const Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights[i] is 3^i mod 31, the weight of position i+1 in the check sum.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are GB 11714's weights for the 8 body characters of the
// organization code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// authorities are the registration-authority codes of GB 32100-2015
// (1 institutional establishment, 5 civil affairs, 9 market regulation,
// Y others, ...).
const authorities = "123456789ANY"

// value returns c's value in Alphabet, or -1.
func value(c byte) int {
	return strings.IndexByte(Alphabet, c)
}

// orgValue is a character's value in GB 11714: digits 0-9, letters A=10 .. Z=35.
func orgValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// Error says what is wrong with a code. Position is 1-based and 0 when the
// fault is not at one character (e.g. the length).
type Error struct {
	Position int
	Reason   string
}

func (e *Error) Error() string {
	if e.Position > 0 {
		return fmt.Sprintf("invalid USCC: position %d: %s", e.Position, e.Reason)
	}
	return "invalid USCC: " + e.Reason
}

// Validate reports whether s is a well-formed USCC with correct check
// characters. It does not normalise: callers trim and upper-case first if
// they accept sloppy input (see Normalize).
func Validate(s string) error {
	if n := len(s); n != Length {
		if r := []rune(s); len(r) == Length {
			return &Error{Reason: "must use only the ASCII characters 0-9 and A-Y"}
		}
		return &Error{Reason: fmt.Sprintf("must be %d characters, got %d", Length, n)}
	}
	for i := 0; i < Length; i++ {
		if value(s[i]) < 0 {
			return &Error{Position: i + 1, Reason: fmt.Sprintf("character %q is not allowed (use 0-9 and A-Y without I, O, S, V, Z)", s[i])}
		}
	}
	if strings.IndexByte(authorities, s[0]) < 0 {
		return &Error{Position: 1, Reason: fmt.Sprintf("%q is not a registration-authority code", s[0])}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return &Error{Position: i + 1, Reason: fmt.Sprintf("administrative division code (positions 3-8) must be digits, got %q", s[i])}
		}
	}
	if want := orgCheck(s[8:16]); s[16] != want {
		return &Error{Position: 17, Reason: fmt.Sprintf("organization-code check character is %q, expected %q", s[16], want)}
	}
	want, _ := CheckDigit(s[:17])
	if s[17] != want {
		return &Error{Position: 18, Reason: fmt.Sprintf("check character is %q, expected %q", s[17], want)}
	}
	return nil
}

// Normalize trims surrounding white space and upper-cases s, the forgiving
// reading of user input before Validate.
func Normalize(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// CheckDigit computes the 18th character for the first 17 characters of a
// code: 31 - (sum of value(c_i) * 3^(i-1) mod 31) mod 31, as an Alphabet symbol.
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != Length-1 {
		return 0, &Error{Reason: fmt.Sprintf("check digit needs %d characters, got %d", Length-1, len(first17))}
	}
	sum := 0
	for i := 0; i < Length-1; i++ {
		v := value(first17[i])
		if v < 0 {
			return 0, &Error{Position: i + 1, Reason: fmt.Sprintf("character %q is not allowed (use 0-9 and A-Y without I, O, S, V, Z)", first17[i])}
		}
		sum += v * weights[i]
	}
	return Alphabet[(31-sum%31)%31], nil
}

// orgCheck is GB 11714's check character for an 8-character body:
// 11 - (weighted sum mod 11), where 10 is written X and 11 is written 0.
// body must hold Alphabet characters.
func orgCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += orgValue(body[i]) * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// Make builds a valid enterprise code (authority 9, type 1) registered in
// division (a 6-digit GB/T 2260 code such as "330402") whose organization
// code body is derived from serial. Distinct serials below 31^8 give
// distinct codes within one division. It is meant for synthetic data.
func Make(division string, serial uint64) (string, error) {
	if len(division) != 6 {
		return "", fmt.Errorf("division code %q: must be 6 digits", division)
	}
	for i := 0; i < 6; i++ {
		if division[i] < '0' || division[i] > '9' {
			return "", fmt.Errorf("division code %q: must be 6 digits", division)
		}
	}
	var body [8]byte
	for i := 7; i >= 0; i-- {
		body[i] = Alphabet[serial%31]
		serial /= 31
	}
	if serial != 0 {
		return "", fmt.Errorf("serial too large for an 8-character organization code")
	}
	first17 := "91" + division + string(body[:]) + string(orgCheck(string(body[:])))
	check, err := CheckDigit(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(check), nil
}
