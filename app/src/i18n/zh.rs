//! 简体中文.

use super::Text;
use crate::error::{AppError, Problem};

pub static TEXT: Text = Text {
    app_name: "Academy 培训认证",
    tagline: "清洁生产审核员培训与资格认证",
    skip_to_content: "跳到正文",
    nav_label: "主导航",
    nav_home: "首页",
    nav_me: "我的账户",
    nav_users: "用户管理",
    nav_login: "登录",
    nav_register: "注册",
    nav_logout: "退出登录",
    switch_language: "语言",
    language_name: "中文",
    signed_in_as: "当前用户",
    footer: "Academy —— 审核员的培训、考试与资格认证。",

    home_title: "培训、考核、认证审核员",
    home_lead: "Academy 为培训机构管理课程、培训班和考试，并颁发任何人都能凭证书编号核验的审核员资格证书。",
    home_trainees_title: "学员",
    home_trainees_body: "报名参加培训班，在线参加考试，集中保管自己的证书。",
    home_instructors_title: "教员",
    home_instructors_body: "管理所教的培训班：花名册、考勤、题库、考试与评分。",
    home_verify_title: "用人单位与公众",
    home_verify_body: "无需账户即可核验审核员证书的真伪和有效状态。",
    home_cta_register: "注册为学员",
    home_cta_login: "登录",
    home_history: "自1993年以来，我国各级清洁生产中心举办了约140期培训班和讲座，培训近万人次；Academy 延续这项工作。",

    field_name: "姓名",
    field_email: "电子邮箱",
    field_password: "密码",
    field_new_password: "新密码",
    field_organisation: "工作单位",
    field_province: "省份",
    field_industry: "行业",
    field_role: "角色",
    choose: "请选择…",
    optional: "选填",
    password_hint: "8至128个字符，不能使用常见密码。",
    show_password: "显示密码",
    hide_password: "隐藏密码",
    working: "正在处理…",

    login_title: "登录",
    login_submit: "登录",
    login_no_account: "还没有账户？注册为学员。",
    register_title: "注册为学员",
    register_lead: "创建账户后即可报名培训班并参加考试。",
    register_submit: "创建账户",
    register_have_account: "已有账户？请登录。",

    me_title: "我的账户",
    me_role: "角色",
    me_member_since: "注册时间",
    me_welcome: "欢迎",
    not_given: "—",

    role_trainee: "学员",
    role_instructor: "教员",
    role_administrator: "管理员",

    users_title: "用户管理",
    users_search: "按姓名或邮箱搜索",
    users_search_submit: "搜索",
    users_all_roles: "全部角色",
    users_filter_role: "按角色筛选",
    users_col_name: "姓名",
    users_col_email: "电子邮箱",
    users_col_role: "角色",
    users_col_status: "状态",
    users_col_created: "创建时间",
    users_col_actions: "操作",
    users_active: "正常",
    users_inactive: "已停用",
    users_deactivate: "停用",
    users_reactivate: "恢复",
    users_set_password: "设置密码",
    users_password_set: "密码已更改，该用户的登录会话已全部结束。",
    users_none: "没有符合条件的用户。",
    users_total: "个用户",
    users_create_title: "创建工作人员账户",
    users_create_lead: "教员和管理员账户在此创建；学员自行注册。",
    users_create_submit: "创建账户",
    users_created: "账户已创建。",
    pager_previous: "上一页",
    pager_next: "下一页",
    pager_page: "第几页",
    cancel: "取消",

    not_found_title: "页面不存在",
    not_found_body: "此地址没有页面，可能已经移动，或链接有误。",
    forbidden_title: "无权访问",
    forbidden_body: "您的账户无权访问此页面。",
    error_title: "出错了",
    error_body: "服务器未能完成此请求。请重试；如果问题持续出现，请把下面的请求编号告诉管理员。",
    request_id: "请求编号",
    back_home: "返回首页",
    loading: "正在加载…",
};

pub fn problem(problem: Problem) -> String {
    match problem {
        Problem::Required => "此项为必填项。".into(),
        Problem::TooLong { max } => format!("最多{max}个字符。"),
        Problem::EmailInvalid => "请输入有效的电子邮箱，例如 name@example.com。".into(),
        Problem::EmailTaken => "该电子邮箱已注册。".into(),
        Problem::PasswordTooShort { min } => format!("密码至少需要{min}个字符。"),
        Problem::PasswordTooLong { max } => format!("密码最多{max}个字符。"),
        Problem::PasswordTooCommon => "这个密码太常见，请换一个。".into(),
        Problem::PasswordContainsEmail => "密码不能包含您的电子邮箱。".into(),
        Problem::NotInList => "请从选项中选择。".into(),
        Problem::CannotChangeOwnAccount => "不能对自己的账户执行此操作。".into(),
    }
}

pub fn error(error: &AppError) -> String {
    match error {
        AppError::Unauthorized => "请先登录。".into(),
        AppError::BadCredentials => "邮箱或密码错误。".into(),
        AppError::AccountDisabled => "该账户已被停用，请联系管理员。".into(),
        AppError::Forbidden => "您的账户无权执行此操作。".into(),
        AppError::NotFound => "未找到。".into(),
        AppError::Validation(_) => "请更正下面标出的内容。".into(),
        AppError::Throttled { retry_after_secs } => {
            format!("失败次数过多，请等待{retry_after_secs}秒后再试。")
        }
        AppError::Internal { request_id } => {
            format!("服务器出错（请求编号 {request_id}）。")
        }
        AppError::Transport(_) => "无法连接服务器或请求无效，请重试。".into(),
    }
}
