#include "medfed/privacy/generalization_hierarchy.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>

#include "medfed/core/text.h"
#include "medfed/privacy/identifier_detectors.h"

namespace medfed::privacy {
namespace {

constexpr const char* kStar = "*";

std::string TwoDigits(int value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", value);
  return text;
}

// "1940-1944": the band of `width` years holding `value`, aligned to multiples of the width.
std::string Band(int value, int width) {
  const int low = value - ((value % width) + width) % width;
  return std::to_string(low) + "-" + std::to_string(low + width - 1);
}

// An age as a whole number of years: "45", "45.7", "45岁", "45 years".
std::optional<int> ParseAge(std::string_view value) {
  value = TrimWhitespace(value);
  for (std::string_view suffix : {"岁", " years", "years", "y"}) {
    if (EndsWith(value, suffix)) value = TrimWhitespace(value.substr(0, value.size() - suffix.size()));
  }
  double age = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), age);
  if (error != std::errc() || end != value.data() + value.size() || !(age >= 0) || age > 150) return std::nullopt;
  return static_cast<int>(std::floor(age));
}

// Where the first of `markers` ends in `text` from `from`, within `max_bytes`; npos if none.
size_t EndOfSegment(std::string_view text, size_t from, std::initializer_list<std::string_view> markers,
                    size_t max_bytes) {
  size_t best = std::string_view::npos;
  for (auto marker : markers) {
    const size_t at = text.find(marker, from);
    if (at != std::string_view::npos && at + marker.size() - from <= max_bytes && at > from) {
      best = std::min(best, at + marker.size());
    }
  }
  return best;
}

}  // namespace

std::optional<int> GeneralizationHierarchy::FindLevel(std::string_view name) const {
  for (size_t level = 0; level < level_names.size(); ++level) {
    if (level_names[level] == name) return static_cast<int>(level);
  }
  int number = -1;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (error == std::errc() && end == name.data() + name.size() && number >= 0 && number <= top()) return number;
  return std::nullopt;
}

std::string GeneralizationHierarchy::DescribeLevels() const {
  std::string text;
  for (size_t level = 0; level < level_names.size(); ++level) {
    text += (level == 0 ? "" : ", ") + std::to_string(level) + " = " + level_names[level];
  }
  return text;
}

AddressParts ParseAddressPrefix(std::string_view address) {
  address = TrimWhitespace(address);
  AddressParts parts;
  constexpr size_t kMaxSegment = 10 * 3;  // ten Han characters
  size_t at = 0;
  // The four municipalities are province and city at once: 北京市海淀区.
  for (std::string_view municipality : {"北京市", "天津市", "上海市", "重庆市"}) {
    if (StartsWith(address, municipality)) {
      parts.province = parts.city = std::string(municipality);
      at = municipality.size();
    }
  }
  if (at == 0) {
    const size_t province_end = EndOfSegment(address, 0, {"省", "自治区", "特别行政区"}, kMaxSegment);
    if (province_end != std::string_view::npos) {
      parts.province = std::string(address.substr(0, province_end));
      at = province_end;
    }
    // 州 alone ends a prefecture (甘孜藏族自治州) but is also inside city names (杭州市, 郑州市).
    size_t city_end = EndOfSegment(address, at, {"市", "自治州", "盟", "地区"}, kMaxSegment);
    if (city_end == std::string_view::npos) city_end = EndOfSegment(address, at, {"州"}, kMaxSegment);
    if (city_end != std::string_view::npos) {
      parts.city = std::string(address.substr(at, city_end - at));
      at = city_end;
    }
  }
  const size_t district_end = EndOfSegment(address, at, {"区", "县", "市", "旗"}, kMaxSegment);
  if (district_end != std::string_view::npos && (!parts.city.empty() || !parts.province.empty())) {
    parts.district = std::string(address.substr(at, district_end - at));
  }
  return parts;
}

GeneralizationHierarchy DateHierarchy() {
  GeneralizationHierarchy hierarchy{"date", {"day", "month", "year", "5-year", "decade", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    if (level >= 5) return kStar;
    if (TrimWhitespace(value).empty()) return "";
    const std::optional<CalendarDate> date = ParseDate(value);
    if (!date) return level == 0 ? std::string(value) : kStar;
    const std::string month = std::to_string(date->year) + "-" + TwoDigits(date->month);
    switch (level) {
      case 0:
        return date->day == 0 ? month : month + "-" + TwoDigits(date->day);
      case 1:
        return month;
      case 2:
        return std::to_string(date->year);
      case 3:
        return Band(date->year, 5);
      default:
        return Band(date->year, 10);
    }
  };
  return hierarchy;
}

GeneralizationHierarchy AgeHierarchy() {
  GeneralizationHierarchy hierarchy{"age", {"year", "5-year", "10-year", "20-year", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    if (level >= 4) return kStar;
    if (TrimWhitespace(value).empty()) return "";
    const std::optional<int> age = ParseAge(value);
    if (!age) return kStar;  // not an age: nothing to keep at any level
    // Ages over 89 are one category at every level (45 CFR 164.514(b)(2)(i)(C)).
    if (*age >= 90) return level == 3 ? "80+" : "90+";
    switch (level) {
      case 0:
        return std::to_string(*age);
      case 1:
        return Band(*age, 5);
      case 2:
        return Band(*age, 10);
      default:
        return *age >= 80 ? "80+" : Band(*age, 20);
    }
  };
  return hierarchy;
}

GeneralizationHierarchy PostalCodeHierarchy() {
  GeneralizationHierarchy hierarchy{"postal_code", {"6-digit", "4-digit", "3-digit", "2-digit", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    if (level >= 4) return kStar;
    const std::string_view code = TrimWhitespace(value);
    if (code.empty()) return "";
    const bool valid =
        code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!valid) return level == 0 ? std::string(code) : kStar;
    const size_t kept = level == 0 ? 6 : level == 1 ? 4 : level == 2 ? 3 : 2;
    return std::string(code.substr(0, kept)) + std::string(6 - kept, '*');
  };
  return hierarchy;
}

GeneralizationHierarchy AddressHierarchy() {
  GeneralizationHierarchy hierarchy{"address", {"full", "district", "city", "province", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    if (level >= 4) return kStar;
    if (TrimWhitespace(value).empty()) return "";
    if (level == 0) return std::string(TrimWhitespace(value));
    const AddressParts parts = ParseAddressPrefix(value);
    const std::string city = parts.province == parts.city ? parts.province : parts.province + parts.city;
    std::string generalized;
    if (level == 1) generalized = parts.district.empty() ? city : city + parts.district;
    if (level == 2) generalized = city;
    if (level == 3) generalized = parts.province;
    return generalized.empty() ? kStar : generalized;
  };
  return hierarchy;
}

GeneralizationHierarchy EthnicityHierarchy() {
  GeneralizationHierarchy hierarchy{"ethnicity", {"group", "汉族/少数民族", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    if (level >= 2) return kStar;
    const std::string_view text = TrimWhitespace(value);
    if (text.empty() || level == 0) return std::string(text);
    if (text == "汉族" || text == "汉") return "汉族";
    return IsEthnicity(text) ? "少数民族" : kStar;
  };
  return hierarchy;
}

GeneralizationHierarchy CategoricalHierarchy() {
  GeneralizationHierarchy hierarchy{"categorical", {"value", kStar}, nullptr};
  hierarchy.generalize = [](std::string_view value, int level) -> std::string {
    return level >= 1 ? kStar : std::string(TrimWhitespace(value));
  };
  return hierarchy;
}

GeneralizationHierarchy MappingHierarchy(std::string source, std::map<std::string, std::vector<std::string>> rows) {
  GeneralizationHierarchy hierarchy{std::move(source), {"value"}, nullptr};
  const size_t levels = rows.empty() ? 0 : rows.begin()->second.size();
  for (size_t level = 1; level <= levels; ++level) hierarchy.level_names.push_back("level " + std::to_string(level));
  if (levels == 0 || rows.begin()->second.back() != kStar) hierarchy.level_names.emplace_back(kStar);
  const int top = hierarchy.top();
  auto shared_rows = std::make_shared<const std::map<std::string, std::vector<std::string>>>(std::move(rows));
  hierarchy.generalize = [shared_rows, top](std::string_view value, int level) -> std::string {
    if (level >= top) return kStar;
    const std::string_view text = TrimWhitespace(value);
    if (text.empty() || level == 0) return std::string(text);
    auto row = shared_rows->find(std::string(text));
    if (row == shared_rows->end()) return kStar;
    return row->second[level - 1];
  };
  return hierarchy;
}

}  // namespace medfed::privacy
