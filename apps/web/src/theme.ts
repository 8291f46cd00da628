import type { ThemeConfig } from 'antd';

/** Brand colour: a calm civic blue. The elder-mode variant is darker for AAA contrast on white. */
export const BRAND = '#1d5fa6';
const BRAND_ELDER = '#0b3d7a';

const FONT_FAMILY =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif";

const standard: ThemeConfig = {
  token: {
    colorPrimary: BRAND,
    colorInfo: BRAND,
    colorLink: BRAND,
    borderRadius: 6,
    fontFamily: FONT_FAMILY,
    colorBgLayout: '#f3f5f8',
  },
  components: {
    Layout: {
      headerBg: '#ffffff',
      siderBg: '#ffffff',
      headerHeight: 60,
      headerPadding: '0 20px',
      triggerBg: '#ffffff',
      triggerColor: '#1f2937',
    },
    Menu: {
      itemBorderRadius: 6,
      itemMarginInline: 8,
    },
    Table: {
      headerBg: '#f5f7fa',
    },
  },
};

/** 长者模式 tokens: base font 20px, black on white, 2px dark borders, 48px+ controls. */
const elder: ThemeConfig = {
  token: {
    colorPrimary: BRAND_ELDER,
    colorInfo: BRAND_ELDER,
    colorLink: BRAND_ELDER,
    colorLinkHover: '#062a57',
    colorError: '#a8071a',
    colorSuccess: '#135200',
    colorWarning: '#874d00',
    // Explicit light backgrounds: derived ones from the dark status colours turn murky.
    colorSuccessBg: '#edf7e8',
    colorSuccessBorder: '#135200',
    colorErrorBg: '#fff1f0',
    colorErrorBorder: '#a8071a',
    colorWarningBg: '#fff7e6',
    colorWarningBorder: '#874d00',
    colorInfoBg: '#eef4fb',
    colorInfoBorder: BRAND_ELDER,
    fontFamily: FONT_FAMILY,
    fontSize: 20,
    fontSizeSM: 18,
    fontSizeLG: 22,
    fontSizeXL: 24,
    fontSizeHeading1: 36,
    fontSizeHeading2: 30,
    fontSizeHeading3: 26,
    fontSizeHeading4: 24,
    fontSizeHeading5: 22,
    fontSizeIcon: 18,
    lineHeight: 1.6,
    controlHeight: 48,
    controlHeightSM: 40,
    controlHeightLG: 56,
    lineWidth: 2,
    lineWidthFocus: 4,
    borderRadius: 6,
    colorText: '#000000',
    colorTextHeading: '#000000',
    colorTextSecondary: '#000000',
    colorTextTertiary: '#1a1a1a',
    colorTextQuaternary: '#262626',
    colorTextDescription: '#1a1a1a',
    colorTextLabel: '#000000',
    colorTextPlaceholder: '#3a3a3a',
    colorTextDisabled: '#4a4a4a',
    colorIcon: '#000000',
    colorIconHover: '#000000',
    colorBorder: '#1a1a1a',
    colorBorderSecondary: '#4a4a4a',
    colorSplit: '#4a4a4a',
    colorBgLayout: '#ffffff',
    colorBgContainer: '#ffffff',
    colorFillAlter: '#f2f2f2',
    colorBgContainerDisabled: '#ededed',
    motion: false,
  },
  components: {
    Layout: {
      headerBg: '#ffffff',
      siderBg: '#ffffff',
      headerHeight: 80,
      headerPadding: '0 24px',
      triggerBg: '#ffffff',
      triggerColor: '#000000',
    },
    Menu: {
      itemHeight: 60,
      iconSize: 22,
      itemColor: '#000000',
      itemSelectedColor: '#ffffff',
      itemSelectedBg: BRAND_ELDER,
      itemHoverColor: '#000000',
      itemHoverBg: '#e6edf7',
      itemMarginInline: 8,
      itemBorderRadius: 6,
    },
    Table: {
      headerBg: '#e8e8e8',
      headerColor: '#000000',
      borderColor: '#4a4a4a',
      cellPaddingBlock: 18,
      rowHoverBg: '#eef3fa',
    },
    Button: {
      fontWeight: 600,
      paddingInline: 20,
    },
    Switch: {
      handleSize: 24,
      trackHeight: 30,
      trackMinWidth: 60,
    },
    Tag: {
      defaultColor: '#000000',
    },
    Descriptions: {
      labelColor: '#000000',
    },
  },
};

export function themeFor(elderMode: boolean): ThemeConfig {
  return elderMode ? elder : standard;
}
