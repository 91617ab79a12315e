// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../App.svelte";
import { createMockHost } from "../lib/ipc/mock";

async function openReview() {
  const host = createMockHost({ signedInAs: "front_desk" });
  render(App, { props: { host } });
  await fireEvent.click(await screen.findByRole("button", { name: "Face review" }));
  const list = await screen.findByTestId("review-items");
  await waitFor(() => expect(list.querySelectorAll("li.item").length).toBe(2));
  return { host, list };
}

describe("face review", () => {
  it("shows why each face is here with its snapshot, and assigns one to the employee it was", async () => {
    const { host, list } = await openReview();
    const spoof = list.querySelector('li[data-kind="possible_spoof"]') as HTMLElement;
    expect(within(spoof).getByText("Possible photo or screen, looked like Chiara Russo")).toBeTruthy();
    await waitFor(() => expect(within(spoof).getByAltText("The face the camera saw").getAttribute("src")).toMatch(/^data:image\/jpeg;base64,/));

    const unknown = list.querySelector('li[data-kind="unknown_face"]') as HTMLElement;
    const assign = within(unknown).getByRole("button", { name: "Assign" }) as HTMLButtonElement;
    expect(assign.disabled).toBe(true);
    await fireEvent.input(within(unknown).getByLabelText("It was (employee)"), { target: { value: "Gra" } });
    await fireEvent.click(await within(unknown).findByRole("button", { name: /Grace Kim/ }));
    expect(assign.disabled).toBe(false);
    await fireEvent.click(assign);
    await waitFor(() => expect(list.querySelectorAll("li.item").length).toBe(1));
    const decided = await host.reviewQueue(true);
    expect(decided.find((r) => r.kind === "unknown_face")).toMatchObject({ status: "resolved", employee_name: "Grace Kim", resolved_by: "Dana Desk" });
  });

  it("dismisses, and shows decided ones on request", async () => {
    const { list } = await openReview();
    const spoof = list.querySelector('li[data-kind="possible_spoof"]') as HTMLElement;
    await fireEvent.click(within(spoof).getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(list.querySelectorAll("li.item").length).toBe(1));
    await fireEvent.click(screen.getByLabelText("Show decided ones too"));
    await waitFor(() => expect(list.querySelector('li[data-status="dismissed"]')).toBeTruthy());
    expect(within(list.querySelector('li[data-status="dismissed"]') as HTMLElement).getByText("Dismissed by Dana Desk")).toBeTruthy();
  });

  it("is not offered to managers", async () => {
    render(App, { props: { host: createMockHost({ signedInAs: "manager" }) } });
    const nav = await screen.findByRole("navigation", { name: "Sections" });
    expect(within(nav).queryByRole("button", { name: "Face review" })).toBeNull();
  });
});
