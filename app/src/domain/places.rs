//! The fixed lists a trainee chooses from at registration: province and
//! industry (the industries named in the cleaner production programme).

use serde::{Deserialize, Serialize};

macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and sent by forms.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Result<Self, crate::error::Problem> {
                if code.trim().is_empty() {
                    return Err(crate::error::Problem::Required);
                }
                Self::ALL
                    .iter()
                    .copied()
                    .find(|item| item.code() == code.trim())
                    .ok_or(crate::error::Problem::NotInList)
            }

            pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
                match lang {
                    crate::i18n::Lang::Zh => match self { $($name::$variant => $zh),+ },
                    crate::i18n::Lang::En => match self { $($name::$variant => $en),+ },
                }
            }
        }
    };
}

code_list! {
    /// Provincial-level divisions of China.
    Province {
        Beijing => ("beijing", "北京市", "Beijing"),
        Tianjin => ("tianjin", "天津市", "Tianjin"),
        Hebei => ("hebei", "河北省", "Hebei"),
        Shanxi => ("shanxi", "山西省", "Shanxi"),
        InnerMongolia => ("inner_mongolia", "内蒙古自治区", "Inner Mongolia"),
        Liaoning => ("liaoning", "辽宁省", "Liaoning"),
        Jilin => ("jilin", "吉林省", "Jilin"),
        Heilongjiang => ("heilongjiang", "黑龙江省", "Heilongjiang"),
        Shanghai => ("shanghai", "上海市", "Shanghai"),
        Jiangsu => ("jiangsu", "江苏省", "Jiangsu"),
        Zhejiang => ("zhejiang", "浙江省", "Zhejiang"),
        Anhui => ("anhui", "安徽省", "Anhui"),
        Fujian => ("fujian", "福建省", "Fujian"),
        Jiangxi => ("jiangxi", "江西省", "Jiangxi"),
        Shandong => ("shandong", "山东省", "Shandong"),
        Henan => ("henan", "河南省", "Henan"),
        Hubei => ("hubei", "湖北省", "Hubei"),
        Hunan => ("hunan", "湖南省", "Hunan"),
        Guangdong => ("guangdong", "广东省", "Guangdong"),
        Guangxi => ("guangxi", "广西壮族自治区", "Guangxi"),
        Hainan => ("hainan", "海南省", "Hainan"),
        Chongqing => ("chongqing", "重庆市", "Chongqing"),
        Sichuan => ("sichuan", "四川省", "Sichuan"),
        Guizhou => ("guizhou", "贵州省", "Guizhou"),
        Yunnan => ("yunnan", "云南省", "Yunnan"),
        Tibet => ("tibet", "西藏自治区", "Tibet"),
        Shaanxi => ("shaanxi", "陕西省", "Shaanxi"),
        Gansu => ("gansu", "甘肃省", "Gansu"),
        Qinghai => ("qinghai", "青海省", "Qinghai"),
        Ningxia => ("ningxia", "宁夏回族自治区", "Ningxia"),
        Xinjiang => ("xinjiang", "新疆维吾尔自治区", "Xinjiang"),
        HongKong => ("hong_kong", "香港特别行政区", "Hong Kong"),
        Macao => ("macao", "澳门特别行政区", "Macao"),
        Taiwan => ("taiwan", "台湾省", "Taiwan"),
    }
}

code_list! {
    /// Industries of the enterprises audited under the programme.
    Industry {
        Chemicals => ("chemicals", "化工", "Chemicals"),
        LightIndustry => ("light_industry", "轻工", "Light industry"),
        BuildingMaterials => ("building_materials", "建材", "Building materials"),
        Defence => ("defence", "国防", "Defence"),
        Metallurgy => ("metallurgy", "冶金", "Metallurgy"),
        Petrochemicals => ("petrochemicals", "石化", "Petrochemicals"),
        Railways => ("railways", "铁路", "Railways"),
        Electronics => ("electronics", "电子", "Electronics"),
        Aviation => ("aviation", "航空", "Aviation"),
        Pharmaceuticals => ("pharmaceuticals", "医药", "Pharmaceuticals"),
        Mining => ("mining", "采矿", "Mining"),
        Power => ("power", "电力", "Power"),
        Tobacco => ("tobacco", "烟草", "Tobacco"),
        Machinery => ("machinery", "机械", "Machinery"),
        Instruments => ("instruments", "仪器仪表", "Instruments"),
        Textiles => ("textiles", "纺织印染", "Textiles and dyeing"),
        Transport => ("transport", "交通", "Transport"),
        EnvironmentalServices => ("environmental_services", "环保服务与咨询", "Environmental services"),
        Government => ("government", "政府与事业单位", "Government and public bodies"),
        Other => ("other", "其他", "Other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let provinces: HashSet<_> = Province::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(provinces.len(), Province::ALL.len());
        let industries: HashSet<_> = Industry::ALL.iter().map(|i| i.code()).collect();
        assert_eq!(industries.len(), Industry::ALL.len());
        for province in Province::ALL {
            assert_eq!(Province::parse(province.code()), Ok(*province));
        }
        for industry in Industry::ALL {
            assert_eq!(Industry::parse(industry.code()), Ok(*industry));
        }
    }

    #[test]
    fn unknown_or_missing_codes_are_refused() {
        assert_eq!(Province::parse(""), Err(Problem::Required));
        assert_eq!(Province::parse("atlantis"), Err(Problem::NotInList));
        assert_eq!(
            Industry::parse("化工"),
            Err(Problem::NotInList),
            "labels are not codes"
        );
    }

    #[test]
    fn the_source_industries_are_all_listed() {
        // DOMAIN.md names 17 industries; each must be selectable.
        for zh in [
            "化工",
            "轻工",
            "建材",
            "国防",
            "冶金",
            "石化",
            "铁路",
            "电子",
            "航空",
            "医药",
            "采矿",
            "电力",
            "烟草",
            "机械",
            "仪器仪表",
            "纺织印染",
            "交通",
        ] {
            assert!(
                Industry::ALL
                    .iter()
                    .any(|i| i.label(crate::i18n::Lang::Zh) == zh),
                "{zh} missing"
            );
        }
    }
}
