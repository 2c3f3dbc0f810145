#include "medfed/synth/messy_extract.h"

#include <cstdio>
#include <vector>

#include "medfed/core/random.h"

namespace medfed::synth {
namespace {

const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",  "徐",
                                            "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "欧阳"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊",   "军", "洋",
                                         "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平"};
const std::vector<std::string> kDistricts = {"浙江省杭州市西湖区", "浙江省杭州市拱墅区", "浙江省宁波市鄞州区",
                                             "江苏省南京市鼓楼区", "上海市浦东新区",     "北京市海淀区"};
const std::vector<std::string> kRegionCodes = {"330106", "330105", "330212", "320106", "310115", "110108"};
const std::vector<std::string> kPostalCodes = {"310012", "310011", "315100", "210008", "200120", "100080"};
const std::vector<std::string> kRoads = {"文三路", "天目山路", "中山路", "解放路", "人民路", "学院路"};
const std::vector<std::string> kEthnicities = {"汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "回族", "满族", "畲族"};
const std::vector<std::string> kOccupations = {"工人", "农民", "教师", "干部", "退休", "个体", "学生", "医务人员"};
struct Diagnosis {
  const char* code;
  const char* name;
};
const std::vector<Diagnosis> kDiagnoses = {{"C18.9", "结肠恶性肿瘤"}, {"C20", "直肠恶性肿瘤"},
                                           {"C16.9", "胃恶性肿瘤"},   {"C34.9", "肺恶性肿瘤"},
                                           {"C50.9", "乳腺恶性肿瘤"}, {"C22.0", "肝细胞癌"}};
const std::vector<std::string> kNotes = {
    "术后恢复良好", "建议3个月后复查", "化疗第2周期", "", "", "随访中", "拒绝进一步治疗", ""};

std::string Pick(DeterministicRandom& random, const std::vector<std::string>& list) {
  return list[random.Below(list.size())];
}

std::string ResidentId(const std::string& region, int year, int month, int day, int sequence) {
  char body[18];
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d", region.c_str(), year, month, day, sequence);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body) + "10X98765432"[sum % 11];
}

std::string MobilePhone(DeterministicRandom& random) {
  // NOLINTNEXTLINE(readability-identifier-naming): static storage, so named as a constant
  static const char* kPrefixes[] = {"138", "139", "135", "150", "186", "177", "199"};
  char text[16];
  std::snprintf(text, sizeof text, "%s%08llu", kPrefixes[random.Below(7)],
                static_cast<unsigned long long>(random.Below(100000000)));
  return text;
}

}  // namespace

std::string GenerateMessyExtract(const MessyExtractOptions& options) {
  DeterministicRandom random(options.seed);
  std::string csv =
      "登记号,姓名,性别,出生日期,身份证号,联系电话,现住址,民族,职业,邮编,诊断日期,ICD10,诊断名称,分期,样本号,col_7,"
      "备注\n";
  for (size_t i = 0; i < options.rows; ++i) {
    const size_t place = random.Below(kDistricts.size());
    const bool male = random.Bernoulli(0.55);
    const int year = 1935 + static_cast<int>(random.Below(55));
    const int month = 1 + static_cast<int>(random.Below(12));
    const int day = 1 + static_cast<int>(random.Below(28));
    const int sequence = static_cast<int>(random.Below(500)) * 2 + (male ? 1 : 0);
    const std::string id = ResidentId(kRegionCodes[place], year, month, day, sequence);
    const std::string name =
        Pick(random, kSurnames) + Pick(random, kGiven) + (random.Bernoulli(0.6) ? Pick(random, kGiven) : std::string());
    char date[32];
    switch (random.Below(3)) {  // mixed formats, as exported by different systems
      case 0:
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
        break;
      case 1:
        std::snprintf(date, sizeof date, "%04d/%d/%d", year, month, day);
        break;
      default:
        std::snprintf(date, sizeof date, "%04d年%d月%d日", year, month, day);
        break;
    }
    std::string phone = MobilePhone(random);
    if (random.Bernoulli(0.15)) {
      char landline[24];
      std::snprintf(landline, sizeof landline, "0571-8%07llu", static_cast<unsigned long long>(random.Below(10000000)));
      phone = landline;
    }
    char address[160];
    std::snprintf(address, sizeof address, "%s%s%llu号%llu室", kDistricts[place].c_str(), Pick(random, kRoads).c_str(),
                  1 + static_cast<unsigned long long>(random.Below(300)),
                  101 + static_cast<unsigned long long>(random.Below(1500)));
    char diagnosed[16];
    std::snprintf(
        diagnosed, sizeof diagnosed, "20%02llu-%02llu-%02llu", 18 + static_cast<unsigned long long>(random.Below(5)),
        1 + static_cast<unsigned long long>(random.Below(12)), 1 + static_cast<unsigned long long>(random.Below(28)));
    Diagnosis diagnosis = kDiagnoses[random.Below(kDiagnoses.size())];
    if (i % 397 == 5) diagnosis = {"B20.7", "HIV病伴多发性感染"};  // a special disease, now and then
    std::string note = kNotes[random.Below(kNotes.size())];
    if (i % 50 == 13)
      note = "家属" + Pick(random, kSurnames) + Pick(random, kGiven) + "要求电话联系" + MobilePhone(random);
    char sample[16];
    std::snprintf(sample, sizeof sample, "%llu", 13900000100ULL + i);  // handed out in order: not phones
    char registration[16];
    std::snprintf(registration, sizeof registration, "ZJ%07zu", 1000 + i * 7);
    csv += std::string(registration) + "," + name + "," + (male ? "男" : "女") + "," + date + "," + id + "," + phone +
           "," + address + "," + Pick(random, kEthnicities) + "," + Pick(random, kOccupations) + "," +
           kPostalCodes[place] + "," + diagnosed + "," + diagnosis.code + "," + diagnosis.name + "," +
           std::string(1, "1234"[random.Below(4)]) + "期," + sample + "," + id + "," + note + "\n";
  }
  return csv;
}

}  // namespace medfed::synth
