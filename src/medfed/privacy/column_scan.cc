#include "medfed/privacy/column_scan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_set>

#include "medfed/core/text.h"

namespace medfed::privacy {
namespace {

bool HeaderHas(const std::string& header, std::initializer_list<std::string_view> words) {
  for (auto word : words) {
    if (header.find(word) != std::string::npos) return true;
  }
  return false;
}

// Header evidence per kind (lower-cased header; Chinese and English words, as in HIS exports).
bool HeaderSuggests(const std::string& h, IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kResidentId:
      return HeaderHas(h, {"身份证", "证件号", "idcard", "id_card", "id_number", "national_id", "sfz", "citizen"});
    case IdentifierKind::kMobilePhone:
    case IdentifierKind::kLandline:
      return HeaderHas(h, {"手机", "电话", "联系方式", "phone", "mobile", "tel", "cell", "fax", "传真"});
    case IdentifierKind::kEmail:
      return HeaderHas(h, {"邮箱", "email", "e-mail", "mail"});
    case IdentifierKind::kBankCard:
      return HeaderHas(h, {"银行", "卡号", "bank", "card_no", "账号", "account"});
    case IdentifierKind::kPassport:
      return HeaderHas(h, {"护照", "passport"});
    case IdentifierKind::kIpAddress:
      return h == "ip" || HeaderHas(h, {"ip_", "_ip", "ipaddr", "ip地址"});
    case IdentifierKind::kChineseName:
      return HeaderHas(h, {"姓名", "名字", "联系人", "家属", "name"}) &&
             !HeaderHas(h, {"药", "医院", "科室", "项目", "检验", "drug", "hospital", "dept", "test", "item", "file",
                            "user", "column", "doctor", "医生"});
    case IdentifierKind::kAddress:
      return HeaderHas(h, {"地址", "住址", "住所", "户籍", "居住地", "address", "addr", "street"});
    case IdentifierKind::kMedicalRecordNumber:
      return HeaderHas(h, {"病案号", "住院号", "门诊号", "就诊卡", "就诊号", "病历号", "mrn", "medical_record",
                           "record_no", "patient_id", "patientid", "患者编号", "患者id", "visit_no", "inpatient_no",
                           "admission_no", "insurance_no", "医保号", "社保"});
    case IdentifierKind::kDate:
      return HeaderHas(h, {"日期", "时间", "date", "time", "dob", "出生", "birth", "入院", "出院", "死亡", "就诊日"});
    case IdentifierKind::kAge:
      return HeaderHas(h, {"年龄", "age"}) && !HeaderHas(h, {"stage", "page", "usage"});
    case IdentifierKind::kSex:
      return HeaderHas(h, {"性别", "sex", "gender"});
    case IdentifierKind::kPostalCode:
      return HeaderHas(h, {"邮编", "邮政", "postcode", "zip", "postal"});
    case IdentifierKind::kRegion:
      return HeaderHas(h, {"省", "城市", "区县", "籍贯", "出生地", "region", "province", "city", "county", "district"});
    case IdentifierKind::kEthnicity:
      return HeaderHas(h, {"民族", "ethnic", "race"});
    case IdentifierKind::kOccupation:
      return HeaderHas(h, {"职业", "工种", "occupation", "job", "profession"});
    case IdentifierKind::kDiagnosis:
      return HeaderHas(h, {"诊断", "疾病", "病名", "icd", "diagnos", "disease", "dx", "主诉", "病史"});
    case IdentifierKind::kSpecialDisease:
      return HeaderHas(h, {"hiv", "艾滋", "精神", "基因", "genetic", "genotype"});
    case IdentifierKind::kUniqueCode:
      return false;
  }
  return false;
}

// Sample, specimen and barcode numbers look like phones or cards but are neither.
bool HeaderIsSpecimenCode(const std::string& h) {
  return HeaderHas(h, {"样本", "标本", "条码", "barcode", "sample", "specimen", "lab_no", "检验号", "流水号",
                       "order_no", "batch", "批号"});
}

bool LooksSequential(const std::vector<std::string_view>& values) {
  // Codes handed out in order (sample numbers) have many near-consecutive values.
  std::vector<long long> numbers;
  for (auto value : values) {
    if (value.size() > 18 || value.empty() ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    numbers.push_back(std::stoll(std::string(value)));
  }
  if (numbers.size() < 10) return false;
  std::sort(numbers.begin(), numbers.end());
  size_t close = 0;
  for (size_t i = 1; i < numbers.size(); ++i) close += numbers[i] - numbers[i - 1] <= 10;
  return close * 2 > numbers.size();
}

// Codes: no spaces, 4 to 40 characters, letters, digits and - _ only, at least one digit.
bool LooksLikeCodes(const std::vector<std::string_view>& values) {
  size_t checked = 0;
  for (auto value : values) {
    if (++checked > 1000) break;
    if (value.size() < 4 || value.size() > 40) return false;
    bool digit = false;
    for (char c : value) {
      if (std::isdigit(static_cast<unsigned char>(c))) {
        digit = true;
      } else if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        return false;
      }
    }
    if (!digit) return false;
  }
  return true;
}

struct Counts {
  std::map<IdentifierKind, uint64_t> whole;    // values that are the item
  std::map<IdentifierKind, uint64_t> in_text;  // values that contain it
  uint64_t small_integers = 0;                 // 0..130, for ages
  uint64_t six_digits = 0;                     // postal codes
};

// Whole-value detectors run on the first kSampled values (their fractions decide the column's
// kinds); every value is searched for identifiers inside it, so that one phone number in a
// million notes is still found.
constexpr size_t kSampled = 50000;

// Identifiers inside a value (a finding that is the whole value is not "inside" it: beyond the
// sample, whole values are only seen this way).
void CountTextFindings(std::string_view value, Counts& counts) {
  std::unordered_set<int> kinds;
  for (const auto& finding : FindIdentifiersInText(value)) {
    if (finding.offset == 0 && finding.length == value.size()) continue;
    kinds.insert(static_cast<int>(finding.kind));
  }
  for (int kind : kinds) ++counts.in_text[static_cast<IdentifierKind>(kind)];
}

bool HasNonAscii(std::string_view value) {
  return std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

Counts CountKinds(const std::vector<std::string_view>& values) {
  Counts counts;
  for (size_t index = 0; index < values.size(); ++index) {
    const std::string_view value = values[index];
    if (index >= kSampled) {
      if (value.size() >= 8) CountTextFindings(value, counts);
      continue;
    }
    bool whole = false;
    auto mark = [&](IdentifierKind kind, bool hit) {
      if (hit) {
        ++counts.whole[kind];
        whole = true;
      }
    };
    const size_t n = value.size();
    const bool digit_start = n > 0 && std::isdigit(static_cast<unsigned char>(value[0]));
    if (n == 15 || n == 18) mark(IdentifierKind::kResidentId, ParseResidentId(value).has_value());
    if (n >= 11 && n <= 16) mark(IdentifierKind::kMobilePhone, IsMobilePhone(value));
    if (n >= 10 && n <= 18 && (value[0] == '0' || value[0] == '(')) mark(IdentifierKind::kLandline, IsLandline(value));
    if (n >= 16 && n <= 23 && digit_start && !whole) mark(IdentifierKind::kBankCard, IsBankCard(value));
    if (n == 9) mark(IdentifierKind::kPassport, IsPassport(value));
    if (value.find('@') != std::string_view::npos) mark(IdentifierKind::kEmail, IsEmail(value));
    if (n >= 3 && (value.find('.') != std::string_view::npos || value.find(':') != std::string_view::npos) && !whole) {
      mark(IdentifierKind::kIpAddress, IsIpAddress(value));
    }
    const bool non_ascii = HasNonAscii(value);
    if (!digit_start) {
      if (non_ascii) {
        mark(IdentifierKind::kChineseName, IsChineseName(value));
        mark(IdentifierKind::kAddress, IsAddress(value));
        mark(IdentifierKind::kEthnicity, IsEthnicity(value));
        mark(IdentifierKind::kRegion, IsRegionName(value));
      }
      mark(IdentifierKind::kSex, IsSexValue(value));
    }
    if (n >= 6 && n <= 19 && !whole) mark(IdentifierKind::kDate, IsDate(value));
    if (MentionsSpecialDisease(value)) ++counts.whole[IdentifierKind::kSpecialDisease];
    if (MentionsDiagnosis(value)) ++counts.whole[IdentifierKind::kDiagnosis];
    if (n <= 3 && digit_start && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::stoi(std::string(value)) <= 130) {
      ++counts.small_integers;
    }
    if (n == 6 && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      ++counts.six_digits;
    }
    // Free text: identifiers inside longer values.
    if (!whole && n >= 8) CountTextFindings(value, counts);
  }
  return counts;
}

double Clamp(double value) { return std::max(0.0, std::min(1.0, value)); }

}  // namespace

const char* ColumnRoleName(ColumnRole role) {
  switch (role) {
    case ColumnRole::kDirectIdentifier:
      return "direct_identifier";
    case ColumnRole::kQuasiIdentifier:
      return "quasi_identifier";
    case ColumnRole::kSensitive:
      return "sensitive";
    case ColumnRole::kOther:
      return "other";
  }
  return "?";
}

const char* GradeDescription(int grade) {
  switch (grade) {
    case 1:
      return "may be public";
    case 2:
      return "broad internal use; cannot identify a person";
    case 3:
      return "project team only; re-identifiable (quasi-identifiers, health data)";
    case 4:
      return "small group only; identifies a person directly";
    case 5:
      return "very small group under strict control; special diseases, genetic data";
  }
  return "?";
}

ColumnScan ScanColumn(const std::string& header, const std::vector<std::string_view>& values, uint64_t missing) {
  ColumnScan scan;
  scan.name = header;
  scan.values = values.size();
  scan.missing = missing;
  {
    std::unordered_set<std::string_view> distinct;
    distinct.reserve(values.size());
    for (auto value : values) distinct.insert(value);
    scan.distinct = distinct.size();
  }
  const std::string h = ToLowerAscii(header);
  const Counts counts = CountKinds(values);
  // Fractions of whole-value kinds are over the sampled values; text findings over all.
  const double n = std::max<double>(1, static_cast<double>(std::min(values.size(), kSampled)));
  const double all = std::max<double>(1, static_cast<double>(values.size()));
  const bool specimen = HeaderIsSpecimenCode(h);
  auto fraction = [&](IdentifierKind kind) {
    auto found = counts.whole.find(kind);
    return found == counts.whole.end() ? 0.0 : static_cast<double>(found->second) / n;
  };
  auto add = [&](IdentifierKind kind, double confidence, uint64_t matched, bool in_text = false) {
    if (confidence >= 0.3) scan.detected.push_back({kind, Clamp(confidence), matched, in_text});
  };
  auto matched = [&](IdentifierKind kind) {
    auto found = counts.whole.find(kind);
    return found == counts.whole.end() ? uint64_t{0} : found->second;
  };
  // Validated whole-value identifiers: the values speak for themselves; a header adds to it.
  for (IdentifierKind kind : {IdentifierKind::kResidentId, IdentifierKind::kEmail, IdentifierKind::kIpAddress,
                              IdentifierKind::kPassport, IdentifierKind::kLandline}) {
    const double f = fraction(kind);
    const bool header = HeaderSuggests(h, kind);
    if (f > 0) add(kind, f >= 0.5 ? 0.8 + 0.2 * f * (header ? 1 : 0.75) : f + (header ? 0.3 : 0), matched(kind));
  }
  {
    // Mobile numbers, unless the header or the values say specimen codes handed out in order.
    const double f = fraction(IdentifierKind::kMobilePhone);
    const bool header = HeaderSuggests(h, IdentifierKind::kMobilePhone);
    if (f > 0 && !specimen && (header || !LooksSequential(values))) {
      add(IdentifierKind::kMobilePhone, header ? 0.6 + 0.4 * f : 0.8 * f, matched(IdentifierKind::kMobilePhone));
    }
  }
  {
    // Luhn passes for 1 in 10 random numbers: nearly all values must pass, or the header say so.
    const double f = fraction(IdentifierKind::kBankCard);
    const bool header = HeaderSuggests(h, IdentifierKind::kBankCard);
    if (!specimen && (f >= 0.9 || (header && f >= 0.5)))
      add(IdentifierKind::kBankCard, f, matched(IdentifierKind::kBankCard));
  }
  for (IdentifierKind kind : {IdentifierKind::kChineseName, IdentifierKind::kAddress}) {
    const double f = fraction(kind);
    const bool header = HeaderSuggests(h, kind);
    if (f >= 0.6 || (header && f >= 0.2)) add(kind, header ? 0.5 + 0.5 * f : f, matched(kind));
  }
  if (HeaderSuggests(h, IdentifierKind::kMedicalRecordNumber) && scan.distinct * 2 >= values.size() &&
      !values.empty()) {
    add(IdentifierKind::kMedicalRecordNumber, 0.85, values.size());
  }
  // Free text with identifiers inside: a direct-identifier column, however few rows.
  for (const auto& [kind, count] : counts.in_text) {
    add(kind, 0.6 + 0.4 * std::min(1.0, static_cast<double>(count) / all * 10), count, true);
  }
  // Quasi-identifiers.
  {
    const double f = fraction(IdentifierKind::kDate);
    const bool header = HeaderSuggests(h, IdentifierKind::kDate);
    if (f >= 0.8 || (header && f >= 0.5))
      add(IdentifierKind::kDate, header ? 0.5 + 0.5 * f : f, matched(IdentifierKind::kDate));
  }
  if (HeaderSuggests(h, IdentifierKind::kAge) && static_cast<double>(counts.small_integers) / n >= 0.8) {
    add(IdentifierKind::kAge, 0.9, counts.small_integers);
  }
  {
    const double f = fraction(IdentifierKind::kSex);
    const bool header = HeaderSuggests(h, IdentifierKind::kSex);
    if (f >= 0.9 || (header && scan.distinct <= 3))
      add(IdentifierKind::kSex, header ? 0.95 : f, matched(IdentifierKind::kSex));
  }
  if (HeaderSuggests(h, IdentifierKind::kPostalCode) && static_cast<double>(counts.six_digits) / n >= 0.8) {
    add(IdentifierKind::kPostalCode, 0.9, counts.six_digits);
  }
  for (IdentifierKind kind : {IdentifierKind::kRegion, IdentifierKind::kEthnicity}) {
    const double f = fraction(kind);
    const bool header = HeaderSuggests(h, kind);
    if (f >= 0.6 || (header && f >= 0.3) || (header && kind == IdentifierKind::kRegion && scan.distinct >= 2)) {
      add(kind, header ? std::max(0.6, f) : f, matched(kind));
    }
  }
  if (HeaderSuggests(h, IdentifierKind::kOccupation)) add(IdentifierKind::kOccupation, 0.8, values.size());
  // Sensitive attributes.
  {
    const double f = fraction(IdentifierKind::kDiagnosis);
    const bool header = HeaderSuggests(h, IdentifierKind::kDiagnosis);
    if (f >= 0.5 || (header && f >= 0.1))
      add(IdentifierKind::kDiagnosis, header ? 0.6 + 0.4 * f : f, matched(IdentifierKind::kDiagnosis));
    const uint64_t special = matched(IdentifierKind::kSpecialDisease);
    if (special > 0 && (f >= 0.1 || header || HeaderSuggests(h, IdentifierKind::kSpecialDisease))) {
      add(IdentifierKind::kSpecialDisease, 0.6 + 0.4 * std::min(1.0, static_cast<double>(special) / n * 10), special);
    } else if (HeaderSuggests(h, IdentifierKind::kSpecialDisease)) {
      add(IdentifierKind::kSpecialDisease, 0.7, values.size());
    }
  }
  // A code unique to every record (record number, pseudonym, sample number) identifies it:
  // Safe Harbor's "any other unique identifying number or code" (when nothing more specific
  // was found).
  const bool specific = std::any_of(scan.detected.begin(), scan.detected.end(),
                                    [](const DetectedKind& d) { return IsDirectIdentifierKind(d.kind); });
  if (!specific && values.size() >= 20 && scan.distinct == values.size() && LooksLikeCodes(values)) {
    const bool header = HeaderHas(h, {"id", "no", "编号", "号", "code", "key", "pseudonym", "假名", "uuid"});
    add(IdentifierKind::kUniqueCode, header ? 0.75 : 0.5, values.size());
  }
  std::stable_sort(scan.detected.begin(), scan.detected.end(),
                   [](const DetectedKind& a, const DetectedKind& b) { return a.confidence > b.confidence; });

  // Role, category and grade (docs/privacy/grading.md).
  bool direct = false, quasi = false, sensitive = false, special = false;
  double confidence = 0;
  for (const auto& detected : scan.detected) {
    if (detected.kind == IdentifierKind::kSpecialDisease) special = true;
    if (IsDirectIdentifierKind(detected.kind)) {
      direct = true;
      confidence = std::max(confidence, detected.confidence);
    } else if (detected.kind == IdentifierKind::kDiagnosis || detected.kind == IdentifierKind::kSpecialDisease) {
      sensitive = true;
    } else {
      quasi = true;
    }
  }
  if (direct) {
    scan.role = ColumnRole::kDirectIdentifier;
    scan.category = "personal_attributes";
    scan.grade = 4;
  } else if (quasi) {
    scan.role = ColumnRole::kQuasiIdentifier;
    scan.category = "personal_attributes";
    scan.grade = 3;
  } else if (sensitive) {
    scan.role = ColumnRole::kSensitive;
    scan.category = "health_status";
    scan.grade = 3;
  } else {
    scan.role = ColumnRole::kOther;
    if (HeaderHas(h,
                  {"费用", "金额", "医保", "报销", "支付", "cost", "fee", "payment", "charge", "insurance", "price"})) {
      scan.category = "payment";
    } else if (HeaderHas(h, {"医院", "科室", "床位", "医生", "hospital", "department", "ward", "bed", "physician",
                             "doctor"})) {
      scan.category = "health_resources";
    } else {
      scan.category = "health_status";
    }
    scan.grade = 2;
  }
  if (special) scan.grade = 5;
  if (!direct) {
    for (const auto& detected : scan.detected) {
      if (detected.kind != IdentifierKind::kSpecialDisease) confidence = std::max(confidence, detected.confidence);
    }
    if (special && confidence == 0) confidence = scan.detected.front().confidence;
  }
  scan.confidence = scan.role == ColumnRole::kOther ? 1.0 : confidence;
  return scan;
}

}  // namespace medfed::privacy
