import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import { formatSeconds } from "../contract/duration.js";

// Only what the two charts use, so the bundle stays small.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

function themeColours() {
  const css = getComputedStyle(document.documentElement);
  return {
    text: css.getPropertyValue("--text").trim() || "#1b1f24",
    grid: css.getPropertyValue("--grid").trim() || "#d0d7de",
  };
}

export type BarChart = Chart<"bar", number[], string>;

/** Sessions started per hour, stacked by component. */
export function trendChart(canvas: HTMLCanvasElement): BarChart {
  const { text, grid } = themeColours();
  const config: ChartConfiguration<"bar", number[], string> = {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: text,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { color: text, boxWidth: 12 } },
        tooltip: { callbacks: { title: (items) => `${items[0]?.label ?? ""} (hour starting)` } },
      },
      scales: {
        x: {
          stacked: true,
          ticks: { color: text, maxRotation: 0, autoSkipPadding: 8 },
          grid: { display: false },
        },
        y: {
          stacked: true,
          beginAtZero: true,
          ticks: { color: text, precision: 0 },
          grid: { color: grid },
          title: { display: true, text: "sessions started", color: text },
        },
      },
    },
  };
  return new Chart(canvas, config);
}

/** Average session duration per component, horizontal bars in minutes. */
export function durationChart(canvas: HTMLCanvasElement): BarChart {
  const { text, grid } = themeColours();
  return new Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      color: text,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => ` ${formatSeconds(Number(item.raw) * 60)} on average` } },
      },
      scales: {
        x: {
          beginAtZero: true,
          ticks: { color: text },
          grid: { color: grid },
          title: { display: true, text: "minutes (average)", color: text },
        },
        y: { ticks: { color: text }, grid: { display: false } },
      },
    },
  });
}
