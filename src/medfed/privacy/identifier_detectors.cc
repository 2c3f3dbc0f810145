#include "medfed/privacy/identifier_detectors.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "medfed/core/text.h"
#include "medfed/privacy/digit_chains.h"

namespace medfed::privacy {
namespace {

// --- UTF-8 -----------------------------------------------------------------------------------

// Decodes the code point at `i` (advancing it); U+FFFD for a malformed sequence.
char32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return text[i++];
  int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t code = lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) code = (code << 6) | (byte(i + k) & 0x3F);
  i += length;
  return code;
}

std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < text.size();) points.push_back(NextCodePoint(text, i));
  return points;
}

bool IsHan(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> parts) {
  for (auto part : parts) {
    if (Contains(text, part)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Digits only, after removing spaces and dashes (phone and card numbers are written in groups);
// full-width digits and separators count as their ASCII forms.
std::string DigitsOf(std::string_view text) {
  std::string digits;
  for (char c : NormalizeDigitText(text)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return "";
    }
  }
  return digits;
}

bool ValidDate(int year, int month, int day) {
  if (year < 1880 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Provinces (GB/T 2260 first two digits of a division code).
bool ValidProvinceCode(int code) {
  static constexpr int kCodes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                   43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

constexpr std::string_view kProvinces[] = {"北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海",
                                           "江苏", "浙江", "安徽", "福建", "江西",   "山东", "河南", "湖北",   "湖南",
                                           "广东", "广西", "海南", "重庆", "四川",   "贵州", "云南", "西藏",   "陕西",
                                           "甘肃", "青海", "宁夏", "新疆", "台湾",   "香港", "澳门"};

// Common single-character surnames (the most frequent ~120, which cover most of the population)
// and compound surnames.
constexpr std::string_view kSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝";
constexpr std::string_view kCompoundSurnames[] = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟",
                                                  "公孙", "慕容", "长孙", "夏侯", "令狐", "端木", "司徒"};
// Characters that do not occur in given names but do in diagnoses, drugs and places (高血压 is not
// a person surnamed 高).
constexpr std::string_view kNotInNames =
    "病症炎癌瘤压血糖术科院部区市省县路街号室药片胶囊注射液性型期级度痛伤肿毒菌感染管肝肾肺脑胃肠骨"
    "检查诊治疗护理医患者男女岁";

// The characters of `set`, decoded once and sorted for binary search.
std::vector<char32_t> SortedCodePoints(std::string_view set) {
  std::vector<char32_t> points;
  for (size_t i = 0; i < set.size();) points.push_back(NextCodePoint(set, i));
  std::sort(points.begin(), points.end());
  return points;
}

bool IsSurname(char32_t c) {
  static const std::vector<char32_t> surnames = SortedCodePoints(kSurnames);
  return std::binary_search(surnames.begin(), surnames.end(), c);
}

bool InSet(char32_t c, std::string_view set) {
  if (set.data() == kNotInNames.data()) {
    static const std::vector<char32_t> not_in_names = SortedCodePoints(kNotInNames);
    return std::binary_search(not_in_names.begin(), not_in_names.end(), c);
  }
  for (size_t i = 0; i < set.size();) {
    if (NextCodePoint(set, i) == c) return true;
  }
  return false;
}

constexpr std::string_view kEthnicGroups[] = {
    "汉",   "蒙古",   "回",   "藏",     "维吾尔",   "苗",   "彝",       "壮",     "布依",   "朝鲜", "满",   "侗",
    "瑶",   "白",     "土家", "哈尼",   "哈萨克",   "傣",   "黎",       "傈僳",   "佤",     "畲",   "高山", "拉祜",
    "水",   "东乡",   "纳西", "景颇",   "柯尔克孜", "土",   "达斡尔",   "仫佬",   "羌",     "布朗", "撒拉", "毛南",
    "仡佬", "锡伯",   "阿昌", "普米",   "塔吉克",   "怒",   "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固",
    "京",   "塔塔尔", "独龙", "鄂伦春", "赫哲",     "门巴", "珞巴",     "基诺"};

}  // namespace

const char* IdentifierKindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kResidentId:
      return "resident_id";
    case IdentifierKind::kMobilePhone:
      return "mobile_phone";
    case IdentifierKind::kLandline:
      return "landline_phone";
    case IdentifierKind::kEmail:
      return "email";
    case IdentifierKind::kBankCard:
      return "bank_card";
    case IdentifierKind::kPassport:
      return "passport";
    case IdentifierKind::kIpAddress:
      return "ip_address";
    case IdentifierKind::kChineseName:
      return "person_name";
    case IdentifierKind::kAddress:
      return "address";
    case IdentifierKind::kMedicalRecordNumber:
      return "medical_record_number";
    case IdentifierKind::kUniqueCode:
      return "unique_code";
    case IdentifierKind::kDate:
      return "date";
    case IdentifierKind::kAge:
      return "age";
    case IdentifierKind::kSex:
      return "sex";
    case IdentifierKind::kPostalCode:
      return "postal_code";
    case IdentifierKind::kRegion:
      return "region";
    case IdentifierKind::kEthnicity:
      return "ethnicity";
    case IdentifierKind::kOccupation:
      return "occupation";
    case IdentifierKind::kDiagnosis:
      return "diagnosis";
    case IdentifierKind::kSpecialDisease:
      return "special_disease";
  }
  return "?";
}

bool IsDirectIdentifierKind(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kResidentId:
    case IdentifierKind::kMobilePhone:
    case IdentifierKind::kLandline:
    case IdentifierKind::kEmail:
    case IdentifierKind::kBankCard:
    case IdentifierKind::kPassport:
    case IdentifierKind::kIpAddress:
    case IdentifierKind::kChineseName:
    case IdentifierKind::kAddress:
    case IdentifierKind::kMedicalRecordNumber:
    case IdentifierKind::kUniqueCode:
      return true;
    default:
      return false;
  }
}

std::optional<ResidentIdInfo> ParseResidentId(std::string_view value) {
  value = Trim(value);
  ResidentIdInfo info;
  if (value.size() == 18) {
    if (!AllDigits(value.substr(0, 17))) return std::nullopt;
    // ISO 7064:1983 MOD 11-2: weights 2^(17-i) mod 11.
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (value[i] - '0') * kWeights[i];
    const char check = static_cast<char>(std::toupper(static_cast<unsigned char>(value[17])));
    if (check != kCheck[sum % 11]) return std::nullopt;
    info.year = Number(value.substr(6, 4));
    info.month = Number(value.substr(10, 2));
    info.day = Number(value.substr(12, 2));
    info.sex = (value[16] - '0') % 2 == 1 ? 'M' : 'F';
  } else if (value.size() == 15 && AllDigits(value)) {
    info.year = 1900 + Number(value.substr(6, 2));
    info.month = Number(value.substr(8, 2));
    info.day = Number(value.substr(10, 2));
    info.sex = (value[14] - '0') % 2 == 1 ? 'M' : 'F';
  } else {
    return std::nullopt;
  }
  if (!ValidProvinceCode(Number(value.substr(0, 2))) || !ValidDate(info.year, info.month, info.day)) {
    return std::nullopt;
  }
  info.region_code = std::string(value.substr(0, 6));
  return info;
}

bool IsMobilePhone(std::string_view value) {
  value = Trim(value);
  if (value.starts_with("+86")) value.remove_prefix(3);
  std::string digits = DigitsOf(Trim(value));
  if (digits.size() == 13 && digits.starts_with("86")) digits = digits.substr(2);
  if (digits.size() != 11 || digits[0] != '1') return false;
  // Prefixes in use: 13x, 145-149, 15[0-35-9], 16[2567], 17[0-8], 18x, 19x.
  const int prefix = Number(std::string_view(digits).substr(0, 3));
  return (prefix >= 130 && prefix <= 139) || (prefix >= 145 && prefix <= 149) ||
         (prefix >= 150 && prefix <= 159 && prefix != 154) || prefix == 162 || (prefix >= 165 && prefix <= 167) ||
         (prefix >= 170 && prefix <= 178) || (prefix >= 180 && prefix <= 199);
}

bool IsLandline(std::string_view value) {
  value = Trim(value);
  std::string text(value);
  // (0571)87654321 -> 0571-87654321
  if (!text.empty() && text[0] == '(') {
    const size_t close = text.find(')');
    if (close == std::string::npos) return false;
    text = text.substr(1, close - 1) + "-" + text.substr(close + 1);
  }
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    const std::string digits = DigitsOf(text);
    return digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0' && digits[1] != '0';
  }
  const std::string area = text.substr(0, dash);
  std::string rest = text.substr(dash + 1);
  const size_t extension = rest.find('-');
  if (extension != std::string::npos) {
    if (!AllDigits(rest.substr(extension + 1)) || rest.size() - extension - 1 > 5) return false;
    rest = rest.substr(0, extension);
  }
  return AllDigits(area) && (area.size() == 3 || area.size() == 4) && area[0] == '0' && area[1] != '0' &&
         AllDigits(rest) && (rest.size() == 7 || rest.size() == 8) && rest[0] != '0' && rest[0] != '1';
}

bool IsEmail(std::string_view value) {
  value = Trim(value);
  const size_t at = value.find('@');
  if (at == std::string_view::npos || at == 0 || value.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = value.substr(0, at), domain = value.substr(at + 1);
  auto local_ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._%+-", c); };
  if (!std::all_of(local.begin(), local.end(), local_ok)) return false;
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2) return false;
  auto domain_ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; };
  if (!std::all_of(domain.begin(), domain.end(), domain_ok)) return false;
  const std::string_view tld = domain.substr(dot + 1);
  return std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

bool IsBankCard(std::string_view value) {
  const std::string digits = DigitsOf(Trim(value));
  if (digits.size() < 16 || digits.size() > 19) return false;
  int sum = 0;  // Luhn (ISO/IEC 7812-1)
  for (size_t i = 0; i < digits.size(); ++i) {
    int digit = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 == 0;
}

bool IsPassport(std::string_view value) {
  value = Trim(value);
  if (value.size() != 9) return false;
  const char first = value[0];
  if ((first == 'E' || first == 'G' || first == 'D' || first == 'S' || first == 'P') && AllDigits(value.substr(1))) {
    return true;
  }
  return first == 'E' && value[1] >= 'A' && value[1] <= 'Z' && value[1] != 'I' && value[1] != 'O' &&
         AllDigits(value.substr(2));
}

bool IsIpAddress(std::string_view value) {
  const std::string text(Trim(value));
  unsigned char buffer[16];
  if (text.find('.') != std::string::npos && inet_pton(AF_INET, text.c_str(), buffer) == 1) return true;
  return text.find(':') != std::string::npos && text.size() >= 3 && inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool IsChineseName(std::string_view value) {
  const std::vector<char32_t> points = CodePoints(Trim(value));
  // An optional middle dot in transliterated minority names is not handled: 2-4 Han characters.
  if (points.size() < 2 || points.size() > 4) return false;
  if (!std::all_of(points.begin(), points.end(), IsHan)) return false;
  const std::string text(Trim(value));
  size_t surname = 0;
  for (auto compound : kCompoundSurnames) {
    if (text.starts_with(compound)) surname = 2;
  }
  if (surname == 0 && IsSurname(points[0])) surname = 1;
  // A given name of one or two characters, none of which belongs to a diagnosis or a place.
  if (surname == 0 || points.size() - surname < 1 || points.size() - surname > 2) return false;
  for (size_t i = surname; i < points.size(); ++i) {
    if (InSet(points[i], kNotInNames)) return false;
  }
  return true;
}

bool IsAddress(std::string_view value) {
  value = Trim(value);
  int markers = 0;
  for (auto marker : {"省", "市", "区", "县", "镇", "乡", "街道", "路", "街", "号", "村", "巷", "弄", "栋", "单元",
                      "室", "大道", "小区"}) {
    if (Contains(value, marker)) ++markers;
  }
  if (markers >= 3) return true;
  // "人民路12号": a street marker followed by a house number.
  const size_t number = value.find("号");
  if (number != std::string_view::npos && ContainsAny(value, {"路", "街", "巷", "弄", "道"})) {
    return number > 0 && std::isdigit(static_cast<unsigned char>(value[number - 1]));
  }
  return false;
}

std::optional<CalendarDate> ParseDate(std::string_view value) {
  value = Trim(value);
  // A time of day after the date is allowed.
  const size_t space = value.find(' ');
  if (space != std::string_view::npos) value = value.substr(0, space);
  std::vector<std::string> parts;
  std::string part;
  bool chinese = false;
  for (size_t i = 0; i < value.size();) {
    const char32_t c = NextCodePoint(value, i);
    if (c >= '0' && c <= '9') {
      part.push_back(static_cast<char>(c));
    } else if (c == '-' || c == '/' || c == '.' || c == U'年' || c == U'月' || c == U'日') {
      if (c == U'年' || c == U'月' || c == U'日') chinese = true;
      if (part.empty()) return std::nullopt;
      parts.push_back(part);
      part.clear();
    } else {
      return std::nullopt;
    }
  }
  if (!part.empty()) parts.push_back(part);
  auto date = [](int year, int month, int day) -> std::optional<CalendarDate> {
    if (!ValidDate(year, month, day)) return std::nullopt;
    return CalendarDate{year, month, day};
  };
  if (parts.size() == 1 && parts[0].size() == 8) {  // 20240305
    return date(Number(parts[0].substr(0, 4)), Number(parts[0].substr(4, 2)), Number(parts[0].substr(6, 2)));
  }
  if (parts.size() == 2 && chinese && parts[0].size() == 4) {  // 2024年3月: the day is unknown
    auto month = date(Number(parts[0]), Number(parts[1]), 1);
    if (month) month->day = 0;
    return month;
  }
  if (parts.size() != 3) return std::nullopt;
  for (const auto& p : parts) {
    if (p.size() > 4) return std::nullopt;
  }
  if (parts[0].size() == 4) return date(Number(parts[0]), Number(parts[1]), Number(parts[2]));
  if (parts[2].size() == 4 && !chinese) {  // 05/03/2024 (day first, as in most of the world) or 03/05/2024
    const int a = Number(parts[0]), b = Number(parts[1]), year = Number(parts[2]);
    if (auto day_first = date(year, b, a)) return day_first;
    return date(year, a, b);
  }
  return std::nullopt;
}

bool IsDate(std::string_view value) { return ParseDate(value).has_value(); }

bool IsSexValue(std::string_view value) {
  const std::string text = ToLowerAscii(Trim(value));
  return text == "m" || text == "f" || text == "male" || text == "female" || text == "男" || text == "女" ||
         text == "男性" || text == "女性";
}

bool IsEthnicity(std::string_view value) {
  std::string text(Trim(value));
  if (text.ends_with("族"))
    text = text.substr(0, text.size() - std::strlen("族"));
  else
    return false;  // "汉" alone is also a surname; require the 族
  return std::find(std::begin(kEthnicGroups), std::end(kEthnicGroups), text) != std::end(kEthnicGroups);
}

bool IsRegionName(std::string_view value) {
  const std::string text(Trim(value));
  for (auto province : kProvinces) {
    if (text == province) return true;
    if (text.starts_with(province)) {
      const std::string rest = text.substr(province.size());
      if (rest == "省" || rest == "市" || rest == "自治区" || rest.ends_with("自治区") || rest == "特别行政区") {
        return true;
      }
    }
  }
  // A short place name ending in 市, 区, 县 or 州 (杭州市, 海淀区).
  const std::vector<char32_t> points = CodePoints(text);
  return points.size() >= 2 && points.size() <= 6 && std::all_of(points.begin(), points.end(), IsHan) &&
         (points.back() == U'市' || points.back() == U'区' || points.back() == U'县') &&
         !InSet(points[points.size() - 2], "病症炎癌");
}

bool IsIcd10Code(std::string_view value) {
  value = Trim(value);
  if (value.size() < 3 || value.size() > 12) return false;
  if (!(value[0] >= 'A' && value[0] <= 'Z') || !std::isdigit(static_cast<unsigned char>(value[1])) ||
      !std::isdigit(static_cast<unsigned char>(value[2]))) {
    return false;
  }
  if (value.size() == 3) return true;
  if (value[3] != '.') return false;
  // Chinese national extensions (C18.900x001) are allowed after the dot.
  return std::all_of(value.begin() + 4, value.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }) &&
         value.size() > 4;
}

bool MentionsSpecialDisease(std::string_view value) {
  const std::string_view text = Trim(value);
  if (IsIcd10Code(text)) {
    const char chapter = text[0];
    const int number = Number(text.substr(1, 2));
    return (chapter == 'B' && number >= 20 && number <= 24) || (chapter == 'Z' && number == 21) ||
           (chapter == 'A' && number >= 50 && number <= 64) || chapter == 'F';
  }
  if (ContainsAny(text, {"艾滋", "HIV", "梅毒", "淋病", "尖锐湿疣", "性病", "精神分裂", "抑郁", "双相", "躁狂",
                         "精神障碍", "精神病", "自闭", "基因检测", "基因突变", "遗传病", "BRCA"})) {
    return true;
  }
  const std::string lower = ToLowerAscii(text);
  return ContainsAny(lower, {"aids", "syphilis", "gonorrh", "schizophren", "depressi", "bipolar", "psychos",
                             "genetic test", "mutation"});
}

bool MentionsDiagnosis(std::string_view value) {
  if (IsIcd10Code(value) || MentionsSpecialDisease(value)) return true;
  return ContainsAny(value, {"病", "症", "癌", "瘤", "炎", "综合征", "骨折", "梗", "衰竭"});
}

namespace {

// What a run of digit groups (groups first..last of a chain, `digits` joined) is, if anything:
// the longest reading wins, so a card is not also read as the phone in its first 11 digits.
std::optional<IdentifierKind> NumberKind(const std::vector<DigitGroup>& groups, size_t first, size_t last,
                                         const std::string& digits) {
  const size_t n = digits.size();
  if ((n == 18 || n == 15) && ParseResidentId(digits)) return IdentifierKind::kResidentId;
  if (n == 11 && IsMobilePhone(digits)) return IdentifierKind::kMobilePhone;
  if (n == 13 && digits.starts_with("86") && IsMobilePhone(digits.substr(2))) return IdentifierKind::kMobilePhone;
  if (n >= 16 && n <= 19 && IsBankCard(digits)) return IdentifierKind::kBankCard;
  // A landline: an area code as its own group (0571, or 571 after the country code 86), then
  // 7 or 8 subscriber digits in the groups after it.
  size_t area = first;
  std::string area_code = groups[first].digits;
  if (area_code == "86" && last > first + 1) {
    area = first + 1;
    area_code = groups[area].digits.starts_with("0") ? groups[area].digits : "0" + groups[area].digits;
  }
  if (last > area && (area_code.size() == 3 || area_code.size() == 4) && area_code[0] == '0' && area_code[1] != '0' &&
      AllDigits(area_code)) {
    std::string subscriber;
    for (size_t k = area + 1; k <= last; ++k) subscriber += groups[k].digits;
    if ((subscriber.size() == 7 || subscriber.size() == 8) && subscriber[0] != '0' && subscriber[0] != '1' &&
        AllDigits(subscriber)) {
      return IdentifierKind::kLandline;
    }
  }
  return std::nullopt;
}

// Resident IDs, mobile and landline numbers and bank cards however they are written: in groups,
// with separators, full-width or in Chinese numerals (digit_chains.h).
void FindNumbers(std::string_view text, std::vector<TextFinding>& findings) {
  for (const DigitChain& chain : FindDigitChains(text)) {
    const auto& groups = chain.groups;
    for (size_t first = 0; first < groups.size();) {
      std::optional<std::pair<size_t, IdentifierKind>> best;
      std::string digits;
      for (size_t last = first; last < groups.size(); ++last) {
        digits += groups[last].digits;
        if (digits.size() > 24) break;
        if (auto kind = NumberKind(groups, first, last, digits)) best = std::make_pair(last, *kind);
      }
      if (!best) {
        ++first;
        continue;
      }
      findings.push_back({best->second, groups[first].begin, groups[best->first].end - groups[first].begin});
      first = best->first + 1;
    }
  }
}

}  // namespace

std::vector<TextFinding> FindIdentifiersInText(std::string_view text) {
  std::vector<TextFinding> findings;
  FindNumbers(text, findings);
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '@') {
      size_t begin = i, end = i + 1;
      auto email_char = [&](size_t k) {
        const char c = text[k];
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._%+-", c) != nullptr;
      };
      while (begin > 0 && email_char(begin - 1)) --begin;
      while (end < text.size() && email_char(end)) ++end;
      while (end > i + 1 && text[end - 1] == '.') --end;
      if (IsEmail(text.substr(begin, end - begin))) findings.push_back({IdentifierKind::kEmail, begin, end - begin});
      i = end;
      continue;
    }
    ++i;
  }
  // Names after a cue: 患者张三, 姓名：李四, 联系人王五.
  for (auto cue : {"患者", "姓名", "病人", "联系人", "家属", "丈夫", "妻子", "之子", "之女"}) {
    for (size_t at = text.find(cue); at != std::string_view::npos; at = text.find(cue, at + 1)) {
      size_t start = at + std::strlen(cue);
      for (auto separator : {"：", ":", " "}) {
        if (text.substr(start).starts_with(separator)) start += std::strlen(separator);
      }
      // The longest of 3 and 2 Han characters that reads as a name.
      size_t end = start;
      std::vector<size_t> ends;
      for (int k = 0; k < 3 && end < text.size(); ++k) {
        size_t next = end;
        if (!IsHan(NextCodePoint(text, next))) break;
        end = next;
        ends.push_back(end);
      }
      for (size_t k = ends.size(); k-- > 1;) {
        if (IsChineseName(text.substr(start, ends[k] - start))) {
          findings.push_back({IdentifierKind::kChineseName, start, ends[k] - start});
          break;
        }
      }
    }
  }
  std::stable_sort(findings.begin(), findings.end(),
                   [](const TextFinding& a, const TextFinding& b) { return a.offset < b.offset; });
  return findings;
}

}  // namespace medfed::privacy
