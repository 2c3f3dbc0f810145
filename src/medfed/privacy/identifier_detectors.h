// Value-level detectors for identifiers and quasi-identifiers in Chinese and international health
// records: each says whether one value *is* such an item (validated where a check exists: the
// resident ID's ISO 7064 MOD 11-2 check character and birth date, Luhn for bank cards, real
// mobile prefixes), and free text can be searched for identifiers inside it. Column-level
// decisions (header evidence, fractions, roles, grades) are in column_scan.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medfed::privacy {

enum class IdentifierKind {
  kResidentId,   // 居民身份证号 (GB 11643-1999), 18 or legacy 15 characters
  kMobilePhone,  // mainland mobile, optional +86
  kLandline,     // area code 0xx(x) and 7-8 digits
  kEmail,
  kBankCard,             // 16-19 digits, Luhn
  kPassport,             // PRC passport: E/G + 8 digits, or E + letter + 7 digits
  kIpAddress,            // IPv4 or IPv6
  kChineseName,          // 2-4 Han characters beginning with a common surname
  kAddress,              // administrative units and street markers
  kMedicalRecordNumber,  // header evidence only (病案号, 住院号, 就诊卡号, MRN, ...)
  kUniqueCode,           // a code unique to every record (record or sample number, pseudonym)
  kDate,                 // 2024-03-05, 2024/3/5, 2024年3月5日, 20240305, 05/03/2024
  kAge,
  kSex,
  kPostalCode,      // 6 digits (header evidence)
  kRegion,          // province / city names
  kEthnicity,       // the 56 ethnic groups (汉族, 回族, ...)
  kOccupation,      // header evidence
  kDiagnosis,       // ICD-10 codes or disease words
  kSpecialDisease,  // HIV/AIDS, sexually transmitted, mental illness, genetic data
};

const char* IdentifierKindName(IdentifierKind kind);
bool IsDirectIdentifierKind(IdentifierKind kind);

struct ResidentIdInfo {
  std::string region_code;  // first 6 digits (GB/T 2260 county-level division)
  int year = 0, month = 0, day = 0;
  char sex = 'U';  // 'M' odd sequence, 'F' even
};

// An 18-character ID with a valid check character and birth date, or a 15-digit legacy ID
// with a valid birth date; nullopt otherwise (a wrong check digit is not an ID).
std::optional<ResidentIdInfo> ParseResidentId(std::string_view value);

bool IsMobilePhone(std::string_view value);
bool IsLandline(std::string_view value);
bool IsEmail(std::string_view value);
bool IsBankCard(std::string_view value);
bool IsPassport(std::string_view value);
bool IsIpAddress(std::string_view value);
bool IsChineseName(std::string_view value);
bool IsAddress(std::string_view value);
struct CalendarDate {
  int year = 0, month = 0, day = 0;  // day 0: only the month is known (2024年3月)
};
// The date formats IsDate accepts; dd/mm/yyyy is read day first when both readings are valid.
std::optional<CalendarDate> ParseDate(std::string_view value);
bool IsDate(std::string_view value);
bool IsSexValue(std::string_view value);
bool IsEthnicity(std::string_view value);
bool IsRegionName(std::string_view value);
bool IsIcd10Code(std::string_view value);
// HIV/AIDS (B20-B24, Z21), sexually transmitted (A50-A64), mental and behavioural (F00-F99)
// codes, or the words for them, or genetic-test terms.
bool MentionsSpecialDisease(std::string_view value);
bool MentionsDiagnosis(std::string_view value);

// Identifiers found inside free text, in order (validated ones only: resident IDs, mobile
// numbers, bank cards (Luhn), landlines written with their area code (0571-87654321), e-mail
// addresses, names after a name cue such as 患者/姓名). Numbers are found however they are
// written: in groups with spaces, dashes or dots, full-width, in Chinese numerals, with +86 or
// a parenthesised area code (digit_chains.h).
struct TextFinding {
  IdentifierKind kind;
  size_t offset = 0, length = 0;
};
std::vector<TextFinding> FindIdentifiersInText(std::string_view text);

}  // namespace medfed::privacy
