import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";

const require = createRequire(import.meta.url);
/** Be Vietnam Pro (OFL) from its npm package: TrueType, which resvg reads (it ignores WOFF/WOFF2). */
const FONT_FILES = [
  require.resolve("@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf"),
  require.resolve("@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf"),
];
const FONT = "Be Vietnam Pro";
/** The longest side of a PNG sent as a photo (Telegram's limit is 10,000 px). */
const MAX_PNG_SIDE = 9000;

/** One bar of the chart: an organization and its tasks counted per status, in the order of `series`. */
export interface StackedRow {
  label: string;
  values: number[];
}

/** A horizontal stacked bar chart: a title, the statuses (name and colour) and one row per organization. */
export interface StackedBarChart {
  title: string;
  series: { name: string; color: string }[];
  rows: StackedRow[];
}

/** The rendered picture, with the size resvg reports. */
export interface ChartPng {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Draws the chart on the server: ECharts renders SVG (SSR, no canvas), resvg turns it into a PNG with the
 * packaged font only (no system fonts), at 1.5× for a sharp picture on phones. Long names wrap.
 */
export function renderStackedBars(chart: StackedBarChart): ChartPng {
  const width = 900;
  const height = Math.max(260, 120 + chart.rows.length * 44);
  const instance = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  const labels = chart.rows.map((r) => r.label).reverse();
  instance.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT },
    title: { text: chart.title, left: "center", top: 10, textStyle: { fontFamily: FONT, fontSize: 18 } },
    legend: { bottom: 8, textStyle: { fontFamily: FONT } },
    grid: { left: 20, right: 40, top: 50, bottom: 50, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: labels, axisLabel: { width: 260, overflow: "break", fontFamily: FONT } },
    series: chart.series.map((s, i) => ({
      name: s.name,
      type: "bar",
      stack: "total",
      itemStyle: { color: s.color },
      label: { show: true, fontFamily: FONT, formatter: (p: { value: unknown }) => (Number(p.value) > 0 ? String(p.value) : "") },
      data: chart.rows.map((r) => r.values[i] ?? 0).reverse(),
    })),
  });
  const svg = instance.renderToSVGString();
  instance.dispose();
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    // Telegram refuses a photo taller than 10,000 px: a very long chart is drawn smaller rather than not at all.
    fitTo: { mode: "zoom", value: Math.min(1.5, MAX_PNG_SIDE / height) },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
