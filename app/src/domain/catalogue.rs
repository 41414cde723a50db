//! Centres and courses: the kinds and categories the catalogue is sorted by.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreKind {
    National,
    Industry,
    Provincial,
}

impl CentreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CentreKind::National => "national",
            CentreKind::Industry => "industry",
            CentreKind::Provincial => "provincial",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            CentreKind::National,
            CentreKind::Industry,
            CentreKind::Provincial,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 审核员培训: leads to the auditor certificate.
    AuditorTraining,
    /// 持证上岗: certification training required before taking up a post.
    PostCertification,
    /// 讲座: awareness lectures.
    Lecture,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::AuditorTraining,
        Category::PostCertification,
        Category::Lecture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::AuditorTraining => "auditor_training",
            Category::PostCertification => "post_certification",
            Category::Lecture => "lecture",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_categories_round_trip() {
        for kind in [
            CentreKind::National,
            CentreKind::Industry,
            CentreKind::Provincial,
        ] {
            assert_eq!(CentreKind::parse(kind.as_str()), Some(kind));
        }
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("workshop"), None);
    }
}
