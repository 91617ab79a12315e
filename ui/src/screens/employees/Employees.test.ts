// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import { createMockHost } from "../../lib/ipc/mock";

async function openEmployees(role: "admin" | "front_desk" = "front_desk") {
  const host = createMockHost({ signedInAs: role });
  render(App, { props: { host } });
  await fireEvent.click(await screen.findByRole("button", { name: "Employees" }));
  const table = await screen.findByTestId("employees-table");
  await waitFor(() => expect(table.querySelectorAll("tr[data-code]").length).toBeGreaterThan(3));
  return { host, table };
}

const row = (code: string) => document.querySelector(`tr[data-code="${code}"]`) as HTMLElement;
const type = (label: RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

function csvFile(text: string): File {
  const f = new File([text], "staff.csv", { type: "text/csv" });
  // jsdom's File has no text(); the browser's does.
  Object.defineProperty(f, "text", { value: async () => text });
  return f;
}

describe("employees", () => {
  it("adds an employee, showing a missing name under its field first", async () => {
    await openEmployees();
    await type(/^Employee code/, "2001");
    await fireEvent.click(within(screen.getByTestId("employee-form")).getByRole("button", { name: "Add employee" }));
    expect((await screen.findByText("Please fill this in.")).id).toBe("emp-name-error");
    await type(/^Full name/, "Zoë Example");
    await type(/^Department/, "Legal");
    await fireEvent.click(within(screen.getByTestId("employee-form")).getByRole("button", { name: "Add employee" }));
    await waitFor(() => expect(row("2001")).toBeTruthy());
    expect(within(row("2001")).getByText("No consent")).toBeTruthy();
    expect((await screen.findByTestId("employees-notice")).textContent).toContain("Saved Zoë Example.");
  });

  it("imports a CSV file and shows each rejected row with its line and problems", async () => {
    await openEmployees();
    await fireEvent.click(screen.getByTestId("employees-import"));
    const csv = "code,name,department,shoe_size\n3001,Ravi Patel,Ops,9\n,No Code,Ops,8\n3002,,Ops,7\n3003,Mei Lin,Ops,6\n";
    await fireEvent.change(screen.getByLabelText("CSV file"), { target: { files: [csvFile(csv)] } });
    await fireEvent.click(screen.getByTestId("import-run"));
    expect((await screen.findByTestId("import-summary")).textContent).toContain("2 added, 0 updated, 2 rows with problems");
    const errors = screen.getByTestId("import-errors");
    const lines = [...errors.querySelectorAll("tbody tr")].map((r) => r.querySelector("td")?.textContent);
    expect(lines).toEqual(["3", "4"]);
    expect(within(errors).getByText("code")).toBeTruthy();
    expect(screen.getByText("Columns not used: shoe_size")).toBeTruthy();
    await waitFor(() => expect(row("3001")).toBeTruthy());
  });

  it("records consent, enrols from photo files and erases when consent is withdrawn", async () => {
    const { host } = await openEmployees("admin");
    await fireEvent.click(within(row("1002")).getByRole("button", { name: /^Edit / }));
    expect(screen.getByText("Record the employee's consent above before enrolling their face.")).toBeTruthy();
    await fireEvent.click(screen.getByLabelText(/Consents to face recognition/));
    await fireEvent.click(within(screen.getByTestId("employee-form")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(row("1002")).getByText("Consented, not enrolled")).toBeTruthy());

    const photos = ["a", "b", "c"].map((n) => new File([new Uint8Array([0xff, 0xd8, 0xff])], `${n}.jpg`, { type: "image/jpeg" }));
    await fireEvent.change(screen.getByLabelText(/3 to 5 photos/), { target: { files: photos } });
    await fireEvent.click(screen.getByRole("button", { name: "Enrol" }));
    expect((await screen.findByTestId("enrol-result")).textContent).toContain("Enrolled from 3 photos.");
    await waitFor(() => expect(within(row("1002")).getByText("Enrolled (3 photos)")).toBeTruthy());

    // Withdrawing consent erases the face in the same save.
    await fireEvent.click(screen.getByLabelText(/Consents to face recognition/));
    await fireEvent.click(within(screen.getByTestId("employee-form")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(row("1002")).getByText("No consent")).toBeTruthy());
    const stored = await host.employees({ search: null, include_inactive: true, limit: null });
    expect(stored.find((e) => e.code === "1002")?.face_images).toBe(0);
  });
});
